using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Memory.Tests;

public sealed class MemoryNamespaceTests
{
    [Fact]
    public void A_namespace_has_labels_depth_text_storage_key_and_value_equality()
    {
        var ns = MemoryNamespace.Of("users", "42", "facts");

        Assert.Equal(["users", "42", "facts"], ns.Labels.ToArray());
        Assert.Equal(3, ns.Depth);
        Assert.Equal("users/42/facts", ns.ToString());
        Assert.Equal("users/42/facts/", ns.StorageKey);
        Assert.Equal(ns, MemoryNamespace.Parse("users/42/facts"));
        Assert.Equal(ns, MemoryNamespace.Parse("users/42/facts/"));
        Assert.Equal(ns.GetHashCode(), MemoryNamespace.Of("users", "42", "facts").GetHashCode());
        Assert.True(ns == MemoryNamespace.Of("users", "42", "facts"));
        Assert.Equal(MemoryNamespace.Of("users", "42"), ns.Truncate(2));
        Assert.Equal(MemoryNamespace.Of("users", "42", "facts", "x"), ns.Append("x"));
    }

    [Fact]
    public void Prefix_is_label_wise()
    {
        var users4 = MemoryNamespace.Of("users", "4");
        var users42 = MemoryNamespace.Of("users", "42");

        Assert.False(users4.IsPrefixOf(users42));
        Assert.False(users42.StorageKey.StartsWith(users4.StorageKey, StringComparison.Ordinal));
        Assert.True(users4.IsPrefixOf(MemoryNamespace.Of("users", "4", "facts")));
        Assert.True(users4.IsPrefixOf(users4));
        Assert.False(MemoryNamespace.Of("users", "4", "facts").IsPrefixOf(users4));
        Assert.True(MemoryNamespace.Of("users", "4", "facts").EndsWith(MemoryNamespace.Of("4", "facts")));
        Assert.False(MemoryNamespace.Of("users", "4", "facts").EndsWith(MemoryNamespace.Of("acts")));
    }

    [Theory]
    [InlineData(new string[0], "at least one label")]
    [InlineData(new[] { "users", "" }, "label 1 ('') is empty")]
    [InlineData(new[] { "a/b" }, "label 0 ('a/b') contains the separator")]
    [InlineData(new[] { "ok", "x\ny" }, "label 1 ('x\\u000ay') contains a control character")]
    public void Bad_labels_are_refused_naming_label_and_position(string[] labels, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => MemoryNamespace.Of(labels));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Over_long_labels_and_null_labels_are_refused()
    {
        Assert.Contains("129 characters", Assert.Throws<ArgumentException>(() => MemoryNamespace.Of("a", new string('x', 129))).Message, StringComparison.Ordinal);
        Assert.Contains("label 0 ('null') is null", Assert.Throws<ArgumentException>(() => MemoryNamespace.Of([null!])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Property_storage_key_prefix_and_range_match_the_label_wise_reference()
    {
        var labels = Gen.Elements("a", "ab", "b", "a b", "a-", "a0", "-", "é");
        var path = Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(labels, n));
        Prop.ForAll(Gen.Zip(path, path).ToArbitrary(), pair =>
        {
            var (prefixLabels, labelsOfItem) = pair;
            var prefix = MemoryNamespace.Of(prefixLabels);
            var item = MemoryNamespace.Of(labelsOfItem);
            var reference = labelsOfItem.Length >= prefixLabels.Length && labelsOfItem.Take(prefixLabels.Length).SequenceEqual(prefixLabels);
            var inRange = string.CompareOrdinal(prefix.StorageKey, item.StorageKey) <= 0 && string.CompareOrdinal(item.StorageKey, prefix.StorageKeyUpperBound) < 0;
            return prefix.IsPrefixOf(item) == reference
                && item.StorageKey.StartsWith(prefix.StorageKey, StringComparison.Ordinal) == reference
                && inRange == reference;
        }).QuickCheckThrowOnFailure();
    }
}
