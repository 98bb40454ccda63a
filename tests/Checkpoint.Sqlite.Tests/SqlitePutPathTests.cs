using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The put path's shortcuts: the scope found inside the probe statement (never remembered between puts),
/// the blob row found inside the chunk insert, the parent's writes deleted only when the probe saw some,
/// and transactions run on cached BEGIN/COMMIT statements, rolled back when a put fails.
/// </summary>
public sealed class SqlitePutPathTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_thread_deleted_by_another_saver_then_put_again_lands_in_a_live_scope()
    {
        await using var first = _database.CreateSaver();
        await using var second = _database.CreateSaver();
        var blob = Guid.NewGuid();
        var a = TestRecords.Checkpoint("t", null, 0, blob);
        var b = TestRecords.Checkpoint("t", a.Id, 1, blob);
        await first.PutAsync(a, [TestRecords.Chunk(blob, 0)], PutMode.Continue);
        await first.PutAsync(b, [TestRecords.Chunk(blob, 1)], PutMode.Continue);

        await second.DeleteThreadAsync("t");
        var again = Guid.NewGuid();
        var c = TestRecords.Checkpoint("t", null, 0, again);
        var d = TestRecords.Checkpoint("t", c.Id, 1, again);
        await first.PutAsync(c, [TestRecords.Chunk(again, 0)], PutMode.Continue);
        await first.PutAsync(d, [TestRecords.Chunk(again, 1)], PutMode.Continue);

        Assert.Equal(d.Id, (await second.GetAsync("t", "", null))!.Checkpoint.Id);
        Assert.Equal([d.Id, c.Id], await IdsAsync(second, "t"));
        Assert.Equal(2, (await second.ReadChunksAsync("t", "", [new BlobRun(again, 2)])).Count);
        Assert.Empty(await second.ReadChunksAsync("t", "", [new BlobRun(blob, 2)]));
        Assert.Equal(0, await _database.CountAsync("SELECT count(*) FROM checkpoint_checkpoints c WHERE NOT EXISTS (SELECT 1 FROM checkpoint_names n WHERE n.id = c.scope);"));
        Assert.Equal(0, await _database.CountAsync("SELECT count(*) FROM checkpoint_chunks WHERE NOT EXISTS (SELECT 1 FROM checkpoint_names n WHERE n.id = chunk >> 32);"));
    }

    [Fact]
    public async Task Two_namespaces_of_one_thread_and_two_threads_keep_their_own_scopes()
    {
        await using var saver = _database.CreateSaver();
        var records = new List<CheckpointRecord>();
        foreach (var (thread, ns) in new[] { ("t", ""), ("t", "child"), ("u", ""), ("u", "child") })
        {
            var root = TestRecords.Checkpoint(thread, null, 0, ns: ns);
            await saver.PutAsync(root, [], PutMode.Continue);
            var next = TestRecords.Checkpoint(thread, root.Id, 1, ns: ns);
            await saver.PutAsync(next, [], PutMode.Continue);
            records.Add(next);
        }

        foreach (var record in records)
        {
            var latest = (await saver.GetAsync(record.ThreadId, record.Namespace, null))!.Checkpoint;
            Assert.Equal(record.Id, latest.Id);
            Assert.Equal(record.ParentId, latest.ParentId);
        }

        // A parentless Continue put conflicts with its own scope only.
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(TestRecords.Checkpoint("t", null, 0, ns: "child"), [], PutMode.Continue));
        await saver.PutAsync(TestRecords.Checkpoint("v", null, 0, ns: "child"), [], PutMode.Continue);
    }

    [Fact]
    public async Task Chunks_of_a_new_blob_an_existing_one_and_a_re_put_read_back_as_first_stored()
    {
        await using var saver = _database.CreateSaver();
        var blob = Guid.NewGuid();
        var other = Guid.NewGuid();
        var a = TestRecords.Checkpoint("t", null, 0, blob);
        await saver.PutAsync(a, [TestRecords.Chunk(blob, 0)], PutMode.Continue);

        // The blob has a row now; the second blob gets one in the middle of the put.
        var b = TestRecords.Checkpoint("t", a.Id, 1, blob);
        byte[] changed = [.. Enumerable.Repeat((byte)7, 44)];
        await saver.PutAsync(
            b, [new BlobChunk(blob, 0, changed), TestRecords.Chunk(blob, 1), TestRecords.Chunk(other, 0), TestRecords.Chunk(other, 1)], PutMode.Continue);

        var chunks = await saver.ReadChunksAsync("t", "", [new BlobRun(blob, 2), new BlobRun(other, 2)]);
        Assert.Equal(
            [TestRecords.Chunk(blob, 0).Data, TestRecords.Chunk(blob, 1).Data, TestRecords.Chunk(other, 0).Data, TestRecords.Chunk(other, 1).Data],
            chunks.Select(chunk => chunk.Data));
        Assert.Equal(2, await _database.CountAsync("SELECT count(*) FROM checkpoint_names WHERE length(name) = 16 AND typeof(name) = 'blob';"));
    }

    [Fact]
    public async Task A_continue_put_deletes_only_its_parents_writes()
    {
        await using var saver = _database.CreateSaver();
        var a = TestRecords.Checkpoint("t", null, 0);
        var b = TestRecords.Checkpoint("t", a.Id, 1);
        await saver.PutAsync(a, [], PutMode.Continue);
        await saver.PutWritesAsync("t", "", a.Id, [new PendingWrite("task", "node", 0, "x", [1])]);
        await saver.PutAsync(b, [], PutMode.Continue);
        await saver.PutWritesAsync("t", "", b.Id, [new PendingWrite("task", "node", 0, "x", [2])]);

        // A fork of b keeps b's writes; continuing b (no writes on the fork's parent this time) consumes them.
        var fork = TestRecords.Checkpoint("t", b.Id, 2);
        await saver.PutAsync(fork, [], PutMode.Branch);
        Assert.Single((await saver.GetAsync("t", "", b.Id))!.PendingWrites);
        var c = TestRecords.Checkpoint("t", fork.Id, 3);
        await saver.PutAsync(c, [], PutMode.Continue);

        Assert.Empty((await saver.GetAsync("t", "", a.Id))!.PendingWrites);
        Assert.Single((await saver.GetAsync("t", "", b.Id))!.PendingWrites);
    }

    [Fact]
    public async Task A_failed_put_leaves_no_transaction_open()
    {
        await using var saver = _database.CreateSaver();

        // A second saver that gives up at once if the file stays locked.
        await using var other = new SqliteCheckpointSaver(
            _database.ConnectionString, new SqliteCheckpointSaverOptions { BusyTimeout = TimeSpan.FromMilliseconds(1), MaxAttempts = 1 });
        var a = TestRecords.Checkpoint("t", null, 0);
        await saver.PutAsync(a, [], PutMode.Continue);
        await saver.PutAsync(TestRecords.Checkpoint("t", a.Id, 1), [], PutMode.Continue);

        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(TestRecords.Checkpoint("t", a.Id, 1), [], PutMode.Continue));
        await Assert.ThrowsAsync<InvalidOperationException>(() => saver.PutAsync(a with { ThreadId = "u" }, [], PutMode.Branch));

        // Both failures happened after BEGIN IMMEDIATE: a transaction left open would hold the write lock.
        await other.PutAsync(TestRecords.Checkpoint("w", null, 0), [], PutMode.Continue);
        await saver.PutAsync(TestRecords.Checkpoint("x", null, 0), [], PutMode.Continue);
        Assert.Equal(4, await _database.CountAsync("SELECT count(*) FROM checkpoint_checkpoints;"));
    }

    private static async Task<List<Guid>> IdsAsync(CheckpointSaver saver, string threadId)
    {
        var ids = new List<Guid>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }))
        {
            ids.Add(tuple.Checkpoint.Id);
        }

        return ids;
    }
}
