using Checkpoint.Conformance;
using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Erasure at the byte level: after <see cref="MemoryStore.EraseSubjectAsync"/> the subject's text is in
/// neither the database file nor its WAL. Written with compression off and no key so that a marker is
/// visible as plain bytes at all (a compressed or encrypted body would hide it erased or not); the kept
/// subject's marker is found before and after, which shows the scan can see.
/// </summary>
public sealed class SqliteMemoryErasureTests : IDisposable
{
    private static readonly CheckpointSerializer Plain = new(new SerializerOptions { CompressionThreshold = int.MaxValue });
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private string[] Files => [_database.Path, _database.Path + "-wal", _database.Path + "-shm", _database.Path + "-journal"];

    private static MemoryWrite Write(string ns, string key, string content, string subject) =>
        new() { Namespace = MemoryNamespace.Parse(ns), Key = key, Content = content, SubjectId = subject };

    [Fact]
    public async Task The_erased_subjects_text_is_gone_from_the_database_and_its_wal()
    {
        await using var store = new SqliteMemoryStore(_database.Path, new MemoryStoreOptions { Serializer = Plain, Embeddings = new ConceptEmbeddingGenerator() });
        await store.PutAsync(Write("users/ana", "city", "anamarkerlisbon is home", "ana"));
        await store.PutAsync(Write("users/ana", "city", "anamarkerporto is home now", "ana")); // the old version's bytes were freed, not erased
        await store.PutAsync(Write("shared", "ana-note", "anamarkernote about python", "ana"));
        await store.PutAsync(Write("shared", "bo-note", "bomarkernote about javascript", "bo"));
        Assert.True(ByteScan.Count(Files, "anamarker") > 0);

        var receipt = await store.EraseSubjectAsync("ana");

        Assert.True(receipt.Scrubbed);
        Assert.Equal((2, 3), (receipt.Items, receipt.HistoryRows));
        Assert.Equal(0, ByteScan.Count(Files, "anamarker"));
        Assert.True(ByteScan.Count(Files, "bomarkernote") > 0);
        Assert.Equal("bomarkernote about javascript", (await store.GetAsync(MemoryNamespace.Parse("shared"), "bo-note"))!.Content);
    }

    [Fact]
    public async Task A_deferred_scrub_removes_the_rows_and_says_the_bytes_may_remain()
    {
        await using var store = new SqliteMemoryStore(
            _database.Path, new MemoryStoreOptions { Serializer = Plain }, new SqliteMemoryStoreOptions { ScrubAfterErase = false });
        await store.PutAsync(Write("users/ana", "city", "anamarkerlisbon", "ana"));

        var receipt = await store.EraseSubjectAsync("ana");

        Assert.False(receipt.Scrubbed);
        Assert.Equal(1, receipt.Items);
        Assert.Null(await store.GetAsync(MemoryNamespace.Parse("users/ana"), "city"));
    }
}
