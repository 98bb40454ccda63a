using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>SQLite-specific thread expiry: the schema migration and what a purge leaves in the file.</summary>
public sealed class SqliteThreadExpiryTests : IDisposable
{
    private static readonly SqliteTables Tables = new(SqliteCheckpointSaverOptions.DefaultTablePrefix);
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(7);
    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_version_2_database_is_migrated_and_its_threads_expire_from_their_newest_checkpoint_at_the_first_purge()
    {
        // Created 2026-01-01, two months before the clock: older than the time to live.
        var record = TestRecords.Checkpoint("old-thread", null, 0);
        await using (var connection = new SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            await SqliteSchema.MigrateAsync(connection, Tables, targetVersion: 2);
            using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO checkpoint_names (id, owner, name) VALUES (1, 0, 'old-thread'), (2, 1, '');" +
                "INSERT INTO checkpoint_checkpoints (scope, id, parent, body) VALUES (2, $id, NULL, $body);";
            insert.Parameters.AddWithValue("$id", record.Id.ToByteArray(bigEndian: true));
            insert.Parameters.AddWithValue("$body", CheckpointRecordCodec.Encode(record));
            await insert.ExecuteNonQueryAsync();
        }

        await using var saver = CreateSaver();
        Assert.NotNull(await saver.GetAsync("old-thread", "", null)); // never stamped: visible until a purge
        Assert.Equal((long)SqliteSchema.LatestVersion, await SqlFile.ScalarAsync(_database, "SELECT max(version) FROM checkpoint_schema_version;"));
        Assert.Equal(1L, await SqlFile.ScalarAsync(_database, "SELECT count(*) FROM checkpoint_names WHERE owner = 0 AND touched IS NULL;"));

        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());

        Assert.Null(await saver.GetByIdAsync(record.Id));
        Assert.Equal(0L, await SqlFile.ScalarAsync(_database, "SELECT count(*) FROM checkpoint_names;"));
    }

    [Fact]
    public async Task A_purge_leaves_no_row_of_the_expired_threads_and_stamps_each_put()
    {
        await using var saver = CreateSaver();
        var blob = Guid.NewGuid();
        foreach (var ns in new[] { "", "child" })
        {
            var record = TestRecords.Checkpoint("thread", null, 0, blob, ns);
            await saver.PutAsync(record, [TestRecords.Chunk(blob, 0)], PutMode.Continue);
            await saver.PutWritesAsync("thread", ns, record.Id, [new PendingWrite("task", "node", 0, "c", [1])]);
        }

        Assert.Equal(
            _clock.GetUtcNow().ToUnixTimeMilliseconds(),
            await SqlFile.ScalarAsync(_database, "SELECT touched FROM checkpoint_names WHERE owner = 0 AND name = 'thread';"));
        _clock.Advance(Ttl);

        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());

        foreach (var table in new[] { "names", "checkpoints", "chunks", "writes" })
        {
            Assert.Equal(0L, await SqlFile.ScalarAsync(_database, $"SELECT count(*) FROM checkpoint_{table};"));
        }
    }

    private SqliteCheckpointSaver CreateSaver() =>
        new(_database.ConnectionString, new SqliteCheckpointSaverOptions { ThreadTimeToLive = Ttl, TimeProvider = _clock });
}
