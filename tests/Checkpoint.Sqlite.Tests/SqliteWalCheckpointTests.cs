using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// WAL checkpoints in the background (<see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/>, and the memory
/// store's <see cref="SqliteMemoryStoreOptions.BackgroundWalCheckpoints"/>): committed pages reach the database file every
/// 128 write transactions without a write doing the copy, and a saver disposed while one runs still leaves a complete file.
/// </summary>
public sealed class SqliteWalCheckpointTests : IDisposable
{
    /// <summary>Puts past the first background checkpoint, and below SQLite's own 1,000-frame checkpoint (about 3-6 frames a put).</summary>
    private const int Puts = 140;

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Committed_checkpoints_reach_the_database_file_only_with_background_checkpoints(bool background)
    {
        await using var saver = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { BackgroundWalCheckpoints = background });
        _ = await TestRecords.PutChainAsync(saver, "t", Puts);

        // The main file alone (without its WAL) holds what checkpoints copied into it.
        var inFile = await RowsInMainFileAsync(TimeSpan.FromSeconds(background ? 20 : 1), atLeast: 128, "checkpoint_checkpoints");
        if (background)
        {
            Assert.InRange(inFile, 128, Puts);
        }
        else
        {
            Assert.Equal(0, inFile);
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

        // 100 writes of ~8 KB: well past SQLite's own 1,000-frame checkpoint, before the 128th write's background one.
        for (var i = 0; i < 100; i++)
        {
            _ = await store.PutAsync(new Checkpoint.Memory.MemoryWrite { Namespace = facts, Key = $"k{i}", Content = $"{i} {text}" });
        }

        var inFile = await RowsInMainFileAsync(TimeSpan.FromSeconds(1), atLeast: 1, "checkpoint_memories");
        if (!background)
        {
            Assert.True(inFile > 0, "SQLite's own checkpoint at 1,000 frames should have copied the writes into the file");
        }
        else
        {
            Assert.Equal(0, inFile);
            for (var i = 100; i < Puts; i++)
            {
                _ = await store.PutAsync(new Checkpoint.Memory.MemoryWrite { Namespace = facts, Key = $"k{i}", Content = $"{i} {text}" });
            }

            Assert.InRange(await RowsInMainFileAsync(TimeSpan.FromSeconds(20), atLeast: 100, "checkpoint_memories"), 100, Puts);
        }
    }

    [Fact]
    public async Task A_saver_disposed_while_checkpoints_run_leaves_every_put_in_the_file_and_no_wal()
    {
        await using (var saver = new SqliteCheckpointSaver(_database.ConnectionString))
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

    /// <summary>
    /// How many rows of <paramref name="table"/> a copy of the main database file (its WAL left out) holds, polled until it
    /// holds <paramref name="atLeast"/> or <paramref name="wait"/> ends (a background checkpoint may still be running).
    /// </summary>
    private async Task<long> RowsInMainFileAsync(TimeSpan wait, int atLeast, string table)
    {
        var copy = _database.Path + ".main-only";
        var deadline = DateTime.UtcNow + wait;
        long rows = 0;
        do
        {
            await using (var source = new FileStream(_database.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            await using (var target = File.Create(copy))
            {
                await source.CopyToAsync(target);
            }

            try
            {
                await using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
                await connection.OpenAsync();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM sqlite_schema WHERE name = '{table}';";
                rows = (long)(await command.ExecuteScalarAsync())! == 0 ? 0 : await CountAsync(connection, table);
            }
            catch (SqliteException)
            {
                rows = 0; // copied while a checkpoint was writing it: try again
            }

            if (rows >= atLeast)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        File.Delete(copy);
        return rows;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table};";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
