using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>Random items, with text chosen to confuse markdown, read back exactly from the files by another instance.</summary>
public sealed class RoundTripPropertyTests : MarkdownTestBase
{
    private static readonly string[] TextParts =
        ["a", "Z9", " ", "  ", "\n", "\r\n", "\r", "\t", "- ", "* ", "# ", "<!--", "-->", " <!-- key=x v=1 h=abcdefgh d= -->", "%", "%20", "é", "😀", "\u2028", "=", "\"", "\\", "`"];

    private static readonly string[] KeyParts = ["k", "K", " ", "-->", "<!--", "%", "/", "..", "é", "😀", "=", "\"", "a b", "soul"];

    private static readonly string[] LabelParts = ["a", ".", "..", "memory", "MEMORY.md", "SOUL.md", " ", "%", "é", ".memory", "-->", "CON"];

    [Fact]
    public async Task Random_items_round_trip_exactly_through_the_markdown_files()
    {
        var writer = Open();
        var samples = Gen.ListOf(WriteGen()).Select(writes => writes.Take(8).ToList()).Sample(30, 40).ToList();
        samples.Add([new MemoryWrite { Namespace = MemoryNamespace.Of("a"), Key = "soul", Content = "\n\r\n  soul -->\n\n<!-- key=soul v=1 h=abcdefgh d= -->" }]);
        var written = new Dictionary<MemoryKey, MemoryItem>();
        foreach (var batch in samples)
        {
            Clock.Advance(TimeSpan.FromHours(7));
            var distinct = batch.DistinctBy(write => new MemoryKey(write.Namespace, write.Key)).ToList();
            foreach (var item in await writer.PutManyAsync(distinct))
            {
                written[new MemoryKey(item.Namespace, item.Key)] = item;
            }
        }

        Assert.True(written.Count > 60, $"only {written.Count} items were generated");
        var reader = Open();
        foreach (var (key, expected) in written)
        {
            AssertSame(expected, await reader.GetAsync(key.Namespace, key.Key));
        }

        var listed = await reader.ListNamespacesAsync(new NamespaceQuery { Limit = 1000 });
        Assert.Equal(written.Keys.Select(k => k.Namespace).Distinct().Order(), listed);
        Assert.All(Directory.GetFiles(Root.Path, "*", SearchOption.AllDirectories), path => Assert.StartsWith(Root.Path + Path.DirectorySeparatorChar, path, StringComparison.Ordinal));
    }

    private static void AssertSame(MemoryItem expected, MemoryItem? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Content, actual.Content);
        Assert.Equal((expected.Kind, expected.Version, expected.Importance, expected.AccessCount), (actual.Kind, actual.Version, actual.Importance, actual.AccessCount));
        Assert.Equal((expected.CreatedAt, expected.UpdatedAt, expected.LastAccessedAt, expected.ExpiresAt), (actual.CreatedAt, actual.UpdatedAt, actual.LastAccessedAt, actual.ExpiresAt));
        Assert.Equal(expected.SubjectId, actual.SubjectId);
        Assert.Equal(expected.Entities, actual.Entities);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Value?.ToArray(), actual.Value?.ToArray());
    }

    private static Gen<string> Text(string[] parts, int min) =>
        Gen.Choose(min, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(parts), n)).Select(string.Concat);

    private static Gen<string> Label() => Text(LabelParts, 1).Where(label => label.Length <= 40);

    private static Gen<MemoryWrite> WriteGen() =>
        from labels in Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(Label(), n))
        from key in Text(KeyParts, 1)
        from kind in Gen.Elements(MemoryKind.LongTerm, MemoryKind.Episodic, MemoryKind.Semantic)
        from content in Text(TextParts, 0)
        from entities in Gen.ArrayOf(Text(KeyParts, 1).Where(e => e.Trim().Length > 0)).Select(e => e.Take(3).ToArray())
        from subject in Gen.Elements<string?>(null, "u1", "user 42 <!--")
        from importance in Gen.Elements(0.0, 0.25, 1.0 / 3, 1.0)
        from n in Gen.Elements<object>(1L, -7L, 2.5, "s -->", true)
        from ttl in Gen.Elements<TimeSpan?>(null, TimeSpan.FromDays(400))
        from value in Gen.Elements<ReadOnlyMemory<byte>?>(null, Array.Empty<byte>(), new byte[] { 0xA3, (byte)'a', (byte)'b', (byte)'c' })
        select new MemoryWrite
        {
            Namespace = MemoryNamespace.Of(labels),
            Key = key,
            Kind = kind,
            Content = content,
            Entities = entities,
            SubjectId = subject,
            Importance = importance,
            Metadata = new Dictionary<string, object> { ["n"] = n, ["key with spaces"] = "v" },
            TimeToLive = ttl,
            Value = value,
        };
}
