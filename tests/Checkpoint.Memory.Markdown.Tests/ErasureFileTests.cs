using Checkpoint.Conformance;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>
/// Erasure leaves no byte of the subject in the folder: markdown files, the history log and the embedding
/// cache are rewritten without it (the store is plaintext by nature, so a marker is visible as it is).
/// </summary>
public sealed class ErasureFileTests : MarkdownTestBase
{
    [Fact]
    public async Task After_erasure_no_file_under_the_root_holds_the_subjects_text_or_vectors()
    {
        var store = Open();
        var ana = MemoryNamespace.Of("users", "ana");
        var team = MemoryNamespace.Of("team");
        await store.PutAsync(new MemoryWrite { Namespace = ana, Key = "city", Content = "anamarker lives in Lisbon", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = ana, Key = "city", Content = "anamarker lives in Porto", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = team, Key = "ana-log", Kind = MemoryKind.Episodic, Content = "anamarker shipped the release", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = team, Key = "bo-note", Content = "bomarker reviews on Fridays", SubjectId = "bo" });
        var embeddings = Path.Combine(Root.Path, ".memory", "embeddings.bin");
        var vectorsBefore = new FileInfo(embeddings).Length;
        Assert.True(ByteScan.Count(ByteScan.FilesUnder(Root.Path), "anamarker") > 0);

        var receipt = await store.EraseSubjectAsync("ana");

        Assert.Equal((2, 3, true), (receipt.Items, receipt.HistoryRows, receipt.Scrubbed));
        Assert.Equal(0, ByteScan.Count(ByteScan.FilesUnder(Root.Path), "anamarker"));
        Assert.True(ByteScan.Count(ByteScan.FilesUnder(Root.Path), "bomarker") > 0);
        Assert.True(new FileInfo(embeddings).Length < vectorsBefore); // the subject's vectors left the cache
        Assert.Equal("bomarker reviews on Fridays", (await Open().GetAsync(team, "bo-note"))!.Content);
    }
}
