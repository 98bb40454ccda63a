using Checkpoint.Conformance;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Erasing a person from one SQLite file holding both checkpoints and memories: their threads (run with
/// <see cref="RunConfig.SubjectId"/>) and memories go, and their text is in neither the database nor its WAL.
/// Written with compression off and no key so that text is visible as plain bytes at all; the kept subject's
/// marker is found afterwards, which shows the scan can see.
/// </summary>
public sealed class SubjectErasureTests : IDisposable
{
    private static readonly CheckpointSerializer Plain = new(new SerializerOptions { CompressionThreshold = int.MaxValue });
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private string[] Files => [_database.Path, _database.Path + "-wal", _database.Path + "-journal"];

    [Fact]
    public async Task A_subjects_threads_and_memories_leave_the_file_and_the_other_subject_stays()
    {
        await using var saver = new SqliteCheckpointSaver(_database.Path, new SqliteCheckpointSaverOptions { Serializer = Plain });
        await using var store = new SqliteMemoryStore(_database.Path, new MemoryStoreOptions { Serializer = Plain });
        var graph = NoteGraphs.Confirm(saver);
        await graph.InvokeAsync(new NoteState { Lines = ["anamarkerthread one"] }, RunConfig.ForThread("ana-1") with { SubjectId = "ana" });
        await graph.InvokeAsync(new NoteState { Lines = ["anamarkerthread two"] }, RunConfig.ForThread("ana-2") with { SubjectId = "ana" });
        await graph.InvokeAsync(new NoteState { Lines = ["bomarkerthread"] }, RunConfig.ForThread("bo-1") with { SubjectId = "bo" });
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("users", "ana"), Key = "k", Content = "anamarkermemory", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("users", "bo"), Key = "k", Content = "bomarkermemory", SubjectId = "bo" });
        Assert.True(ByteScan.Count(Files, "anamarkerthread") > 0);

        var receipt = await SubjectErasure.EraseAsync("ana", [store], [saver]);

        Assert.Equal((1, 1, 2), (receipt.MemoryItems, receipt.HistoryRows, receipt.Threads));
        Assert.True(receipt.CheckpointCount >= 4);
        Assert.True(receipt.Scrubbed);
        Assert.Equal(0, ByteScan.Count(Files, "anamarker"));
        Assert.True(ByteScan.Count(Files, "bomarkerthread") > 0);
        Assert.True(ByteScan.Count(Files, "bomarkermemory") > 0);
        Assert.Null(await graph.GetStateAsync(RunConfig.ForThread("ana-1")));
        Assert.Equal(["bomarkerthread", "draft 1", "draft 2"], (await graph.GetStateAsync(RunConfig.ForThread("bo-1")))!.Values.Lines);
    }
}
