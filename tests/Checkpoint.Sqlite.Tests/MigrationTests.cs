using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

public sealed class MigrationTests : IDisposable
{
    private static readonly SqliteTables Tables = new(SqliteCheckpointSaverOptions.DefaultTablePrefix);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_new_file_gets_the_latest_schema_in_wal_mode()
    {
        await using (var saver = _database.CreateSaver())
        {
            await saver.InitializeAsync();
        }

        await using var connection = await OpenAsync();
        Assert.Equal(SqliteSchema.LatestVersion, await SqliteSchema.ReadVersionAsync(connection, Tables, null));
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task A_version_1_database_is_migrated_and_keeps_its_data()
    {
        var record = TestRecords.Checkpoint("old-thread", null, 0);
        await using (var connection = await OpenAsync())
        {
            await SqliteSchema.MigrateAsync(connection, Tables, targetVersion: 1);
            await ExecuteAsync(connection, "INSERT INTO checkpoint_names (id, owner, name) VALUES (1, 0, 'old-thread'), (2, 1, '');");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO checkpoint_checkpoints (scope, id, parent, body) VALUES (2, $id, NULL, $body);";
            insert.Parameters.AddWithValue("$id", record.Id.ToByteArray(bigEndian: true));
            insert.Parameters.AddWithValue("$body", CheckpointRecordCodec.Encode(record));
            await insert.ExecuteNonQueryAsync();
            Assert.Equal(1, await SqliteSchema.ReadVersionAsync(connection, Tables, null));
            Assert.Null(await ScalarAsync(connection, "SELECT name FROM sqlite_master WHERE name = 'checkpoint_checkpoints_by_id';"));
        }

        await using (var saver = _database.CreateSaver())
        {
            var byId = await saver.GetByIdAsync(record.Id);
            Assert.NotNull(byId);
            Assert.Equal("old-thread", byId.Checkpoint.ThreadId);
            Assert.Equal(record.Metadata, byId.Checkpoint.Metadata);
        }

        await using (var connection = await OpenAsync())
        {
            Assert.Equal(SqliteSchema.LatestVersion, await SqliteSchema.ReadVersionAsync(connection, Tables, null));
            Assert.Null(await ScalarAsync(connection, "SELECT name FROM sqlite_master WHERE name = 'checkpoint_checkpoints_by_id';"));
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM checkpoint_id_prefixes;"));
        }
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused_and_left_untouched()
    {
        await using (var saver = _database.CreateSaver())
        {
            await saver.InitializeAsync();
        }

        var future = SqliteSchema.LatestVersion + 1;
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, $"UPDATE checkpoint_schema_version SET version = {future};");
        }

        await using (var saver = _database.CreateSaver())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => saver.GetAsync("thread", "", null));
            Assert.Contains($"schema version {future}", error.Message, StringComparison.Ordinal);
            Assert.Contains("newer", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidOperationException>(
                () => saver.PutAsync(TestRecords.Checkpoint("thread", null, 0), [], PutMode.Continue));
        }

        await using (var connection = await OpenAsync())
        {
            Assert.Equal(future, await SqliteSchema.ReadVersionAsync(connection, Tables, null));
        }
    }

    [Fact]
    public async Task Savers_opening_a_fresh_file_together_migrate_it_once()
    {
        var savers = Enumerable.Range(0, 6).Select(_ => _database.CreateSaver()).ToArray();
        try
        {
            await Task.WhenAll(savers.Select(saver => Task.Run(() => saver.InitializeAsync())));
        }
        finally
        {
            foreach (var saver in savers)
            {
                await saver.DisposeAsync();
            }
        }

        await using var connection = await OpenAsync();
        Assert.Equal(SqliteSchema.LatestVersion, await SqliteSchema.ReadVersionAsync(connection, Tables, null));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM checkpoint_schema_version;"));
    }

    [Fact]
    public async Task Dispose_leaves_no_write_ahead_log_behind()
    {
        await using (var saver = _database.CreateSaver())
        {
            Guid? parent = null;
            for (var step = 0; step < 20; step++)
            {
                var record = TestRecords.Checkpoint("thread", parent, step);
                await saver.PutAsync(record, [], PutMode.Continue);
                parent = record.Id;
            }
        }

        var wal = new FileInfo(_database.Path + "-wal");
        Assert.True(!wal.Exists || wal.Length == 0);
        await using var reopened = _database.CreateSaver();
        Assert.Equal(19, (await reopened.GetAsync("thread", "", null))?.Checkpoint.Step);
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
