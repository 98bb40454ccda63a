using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>Labels map to safe folder names and back, one folder per label.</summary>
public sealed class FolderNameTests
{
    private static readonly string[] Parts = ["a", "Z", "0", ".", "..", "_", "-", " ", "%", "%41", "memory", "MEMORY.md", "SOUL.md", "é", "😀", "\\", ":", "*", "<", ">", "|", "?", "\"", "~"];

    [Fact]
    public void Random_labels_escape_to_safe_names_that_decode_back()
    {
        var labels = Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Parts), n)).Select(string.Concat).Sample(50, 500);
        foreach (var label in labels)
        {
            var name = FolderNames.Encode(label);

            Assert.Matches("^[A-Za-z0-9._%-]+$", name);
            Assert.False(name.StartsWith('.'), name);
            Assert.DoesNotContain(name.ToUpperInvariant(), new[] { "MEMORY", "MEMORY.MD", "SOUL.MD" });
            Assert.Equal(label, FolderNames.TryDecode(name));
        }
    }

    [Theory]
    [InlineData("a%2f")] // lower-case hex is not canonical
    [InlineData("a b")] // a person's folder name with a space
    [InlineData(".hidden")]
    [InlineData("%2")]
    [InlineData("%FF")] // not UTF-8
    [InlineData("%2F")] // the separator is no label character
    public void Names_that_are_not_the_canonical_form_of_a_label_are_not_namespaces(string name) =>
        Assert.Null(FolderNames.TryDecode(name));

    [Fact]
    public async Task A_label_or_key_with_an_unpaired_surrogate_is_refused()
    {
        using var root = new TempFolder();
        await using var store = new MarkdownMemoryStore(root.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("a\ud800"), Key = "k", Content = "x" }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("a"), Key = "k\udc00", Content = "x" }));
        Assert.Empty(await store.ListNamespacesAsync(new NamespaceQuery()));
    }
}
