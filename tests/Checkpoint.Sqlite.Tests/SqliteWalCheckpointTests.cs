using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// WAL checkpoints in the background (<see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/>): committed
/// pages reach the database file every 128 write transactions without a put doing the copy, and a saver disposed
/// while one runs still leaves a complete file.
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
        var inFile = await RowsInMainFileAsync(TimeSpan.FromSeconds(background ? 20 : 1), atLeast: 128);
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
    /// How many checkpoint rows a copy of the main database file (its WAL left out) holds, polled until it holds
    /// <paramref name="atLeast"/> or <paramref name="wait"/> ends (a background checkpoint may still be running).
    /// </summary>
    private async Task<long> RowsInMainFileAsync(TimeSpan wait, int atLeast)
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
                command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'checkpoint_checkpoints';";
                rows = (long)(await command.ExecuteScalarAsync())! == 0 ? 0 : await CountAsync(connection);
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

    private static async Task<long> CountAsync(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM checkpoint_checkpoints;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
