using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// WAL checkpoints in the background (<see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/>, and the memory
/// store's <see cref="SqliteMemoryStoreOptions.BackgroundWalCheckpoints"/>): committed pages reach the database file every
/// 128 write transactions without a write doing the copy, and a saver disposed while one runs still leaves a complete file.
/// </summary>
/// <remarks>
/// The database file grows only when a checkpoint copies pages into it (until then they live in the WAL), so its size
/// tells whether one ran. Its content alone is no oracle: a checkpoint that stops at another connection's snapshot
/// leaves a file that is only consistent together with its WAL.
/// </remarks>
public sealed class SqliteWalCheckpointTests : IDisposable
{
    /// <summary>Puts past the first background checkpoint, and below SQLite's own 1,000-frame checkpoint (about 3-6 frames a put).</summary>
    private const int Puts = 140;

    /// <summary>The file's size once a checkpoint copied the puts into it (140 W1-like puts make ~32 KB; the empty schema is 1 KB).</summary>
    private const long CheckpointedBytes = 16 * 1024;

    private readonly TempDatabase _database = new();

    // What the savers log (a failed background checkpoint is event 102), shown when a wait for the file times out.
    private readonly Checkpoint.Hosting.Tests.CapturingLoggerFactory _logs = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Committed_checkpoints_reach_the_database_file_only_with_background_checkpoints(bool background)
    {
        await using var saver = new SqliteCheckpointSaver(
            _database.ConnectionString, new SqliteCheckpointSaverOptions { BackgroundWalCheckpoints = background, LoggerFactory = _logs });
        _ = await TestRecords.PutChainAsync(saver, "t", Puts);

        var bytes = await FileBytesAsync(TimeSpan.FromSeconds(background ? 20 : 1));
        if (background)
        {
            AssertCheckpointed(bytes);
        }
        else
        {
            Assert.True(bytes < CheckpointedBytes, $"the database file grew to {bytes} bytes without a checkpoint");
        }

        Assert.Equal(Puts, await CountListedAsync(saver, "t"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Memory_store_writes_past_a_thousand_frames_are_checkpointed_by_the_writer_only_without_background_checkpoints(bool background)
    {
        await using var store = new SqliteMemoryStore(
            _database.ConnectionString,
            new Checkpoint.Memory.MemoryStoreOptions { Embeddings = new Checkpoint.Conformance.Memory.ConceptEmbeddingGenerator() },
            new SqliteMemoryStoreOptions { BackgroundWalCheckpoints = background });
        var facts = Checkpoint.Memory.MemoryNamespace.Of("users", "1", "facts");
        var text = string.Join(' ', Enumerable.Range(0, 1200).Select(i => $"w{i}"));
        async Task WriteAsync(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                _ = await store.PutAsync(new Checkpoint.Memory.MemoryWrite { Namespace = facts, Key = $"k{i}", Content = $"{i} {text}" });
            }
        }

        // 100 writes of ~8 KB: well past SQLite's own 1,000-frame checkpoint, before the 128th write's background one.
        await WriteAsync(0, 100);
        var bytes = await FileBytesAsync(TimeSpan.FromSeconds(1));
        if (!background)
        {
            AssertCheckpointed(bytes);
            return;
        }

        Assert.True(bytes < CheckpointedBytes, $"the database file grew to {bytes} bytes before the 128th write");
        await WriteAsync(100, Puts);
        AssertCheckpointed(await FileBytesAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Two_savers_writing_one_file_at_once_each_checkpoint_in_the_background_without_a_failure()
    {
        var options = new SqliteCheckpointSaverOptions { LoggerFactory = _logs };
        await using (var first = new SqliteCheckpointSaver(_database.ConnectionString, options))
        await using (var second = new SqliteCheckpointSaver(_database.ConnectionString, options))
        {
            await first.InitializeAsync();
            await second.InitializeAsync();

            // 300 puts each, side by side: each saver starts a background checkpoint at its 128th and 256th write, and
            // SQLite runs one checkpoint at a time, so they meet each other and the other saver's writes.
            await Task.WhenAll(
                Task.Run(() => TestRecords.PutChainAsync(first, "a", 300)),
                Task.Run(() => TestRecords.PutChainAsync(second, "b", 300)));

            AssertCheckpointed(await FileBytesAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(300, await CountListedAsync(second, "a"));
            Assert.Equal(300, await CountListedAsync(first, "b"));
        }

        Assert.DoesNotContain(_logs.Entries, entry => entry.Id.Id == 102);
        await using var reopened = _database.CreateSaver();
        Assert.Equal(300, await CountListedAsync(reopened, "a"));
    }

    [Fact]
    public async Task A_saver_disposed_while_checkpoints_run_leaves_every_put_in_the_file_and_no_wal()
    {
        await using (var saver = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { LoggerFactory = _logs }))
        {
            // 129 puts: the last one starts a background checkpoint that dispose may meet running.
            _ = await TestRecords.PutChainAsync(saver, "t", 129);
        }

        Assert.False(File.Exists(_database.Path + "-wal") && new FileInfo(_database.Path + "-wal").Length > 0, "the WAL was left behind");
        await using var reopened = _database.CreateSaver();
        Assert.Equal(129, await CountListedAsync(reopened, "t"));
    }

    private static async Task<int> CountListedAsync(SqliteCheckpointSaver saver, string thread)
    {
        var count = 0;
        await foreach (var _ in saver.ListAsync(new CheckpointFilter { ThreadId = thread }))
        {
            count++;
        }

        return count;
    }

    private void AssertCheckpointed(long bytes) =>
        Assert.True(bytes >= CheckpointedBytes,
            $"the database file is {bytes} bytes: no checkpoint copied the writes into it; logged: " +
            string.Join(" | ", _logs.Entries.Select(entry => $"{entry.Id.Id} {entry.Message} {entry.Exception?.Message}")));

    /// <summary>The database file's size, polled until it reaches <see cref="CheckpointedBytes"/> or <paramref name="wait"/> ends.</summary>
    private async Task<long> FileBytesAsync(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        long bytes;
        while ((bytes = new FileInfo(_database.Path).Length) < CheckpointedBytes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return bytes;
    }
}
