using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The change feed in the file: ids from the history's AUTOINCREMENT (never reused), the erasure marker row, and a
/// file from before the feed (memory schema version 3) migrated with its history and ids.
/// </summary>
public sealed class SqliteMemoryFeedTests : IDisposable
{
    private const string History = "checkpoint_memory_history";
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "42", "facts");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private SqliteMemoryStore Open() => new(_database.Path, new MemoryStoreOptions(), new SqliteMemoryStoreOptions { ScrubAfterErase = false });

    private static MemoryWrite Write(string key, string content, string? subject = null) =>
        new() { Namespace = Facts, Key = key, Content = content, SubjectId = subject };

    [Fact]
    public async Task Erasing_the_newest_rows_leaves_one_marker_with_a_new_id_and_nothing_of_the_subject()
    {
        await using var store = Open();
        await store.PutAsync(Write("pet", "Has a dog", subject: "bo"));
        await store.PutAsync(Write("city", "Lives in Lisbon", subject: "ana"));
        await store.PutAsync(Write("city", "Lives in Porto", subject: "ana"));
        var before = await store.GetLatestChangeIdAsync();

        var receipt = await store.EraseSubjectAsync("ana");

        // With a plain INTEGER PRIMARY KEY the marker would take the id of ana's deleted newest row.
        Assert.Equal((1, 2), (receipt.Items, receipt.HistoryRows));
        Assert.Equal(before + 1, await store.GetLatestChangeIdAsync());
        var rows = await RowsAsync($"SELECT seq, ns, key, version, kind, at, subject, length(body) FROM {History} ORDER BY seq;");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new object[] { before + 1, "", "", 0L, (long)SqliteMemorySql.ErasureKind }, rows[1][..5]);
        Assert.Equal(new object[] { DBNull.Value, 0L }, rows[1][6..]);
        Assert.Equal([MemoryChangeKind.Add], (await store.GetHistoryAsync(Facts, "pet")).Select(change => change.Kind));
        Assert.Empty(await store.GetHistoryAsync(Facts, "city"));

        await store.PutAsync(Write("food", "Eats sushi"));
        Assert.Equal(before + 2, await store.GetLatestChangeIdAsync());
        Assert.Empty(await RowsAsync($"SELECT seq FROM {History} WHERE subject = 'ana' OR ns = '' AND (key <> '' OR subject IS NOT NULL OR length(body) > 0);"));
    }

    [Fact]
    public async Task Erasing_nothing_leaves_no_marker()
    {
        await using var store = Open();
        await store.PutAsync(Write("pet", "Has a dog", subject: "bo"));

        var receipt = await store.EraseSubjectAsync("nobody");

        Assert.Equal((0, 0), (receipt.Items, receipt.HistoryRows));

        Assert.Equal(1L, await store.GetLatestChangeIdAsync());
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {History};"));
    }

    [Fact]
    public async Task A_version_3_file_keeps_its_history_rows_and_ids_and_new_ids_come_after_every_old_one()
    {
        // A version 3 file as that version wrote it (its tables, migrated by its own texts) with history rows whose ids
        // have holes; the newest row belongs to a subject.
        var sql = new SqliteMemorySql(new SqliteTables(SqliteCheckpointSaverOptions.DefaultTablePrefix));
        var serializer = new CheckpointSerializer();
        long[] ids = [3, 7, 9];
        await using (var connection = new SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = string.Concat(SqliteMemorySchema.Migrations(sql).Take(3)) +
                $"CREATE TABLE {sql.VersionTable} (version INTEGER NOT NULL); INSERT INTO {sql.VersionTable} (version) VALUES (3);";
            await create.ExecuteNonQueryAsync();
            for (var i = 0; i < ids.Length; i++)
            {
                var change = new MemoryChange
                {
                    Namespace = Facts, Key = "city", Version = i + 1, Kind = i == 0 ? MemoryChangeKind.Add : MemoryChangeKind.Update,
                    At = new DateTimeOffset(2026, 1, 1 + i, 0, 0, 0, TimeSpan.Zero), NewContent = $"city {i + 1}",
                    SubjectId = i == 2 ? "ana" : null,
                };
                await using var insert = connection.CreateCommand();
                insert.CommandText = $"INSERT INTO {History} (seq, ns, key, version, kind, at, subject, body) VALUES ($seq, $ns, 'city', $version, $kind, $at, $subject, $body);";
                insert.Parameters.AddWithValue("$seq", ids[i]);
                insert.Parameters.AddWithValue("$ns", Facts.StorageKey);
                insert.Parameters.AddWithValue("$version", change.Version);
                insert.Parameters.AddWithValue("$kind", (long)change.Kind);
                insert.Parameters.AddWithValue("$at", change.At.UtcTicks);
                insert.Parameters.AddWithValue("$subject", (object?)change.SubjectId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$body", MemoryChangeCodec.Encode(change, serializer));
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var store = Open();
        await store.InitializeAsync();

        Assert.Equal(4L, await ScalarAsync($"SELECT version FROM {sql.VersionTable};"));
        Assert.Contains("AUTOINCREMENT", (string)(await ScalarAsync($"SELECT sql FROM sqlite_master WHERE name = '{History}';"))!, StringComparison.Ordinal);
        Assert.Equal(
            [$"{History}_by_key", $"{History}_by_subject"],
            (await RowsAsync($"SELECT name FROM sqlite_master WHERE tbl_name = '{History}' AND type = 'index' ORDER BY name;")).Select(row => (string)row[0]));
        Assert.Empty(await RowsAsync($"SELECT name FROM sqlite_master WHERE name LIKE '%_v3';"));
        Assert.Equal(ids, (await RowsAsync($"SELECT seq FROM {History} ORDER BY seq;")).Select(row => (long)row[0]));
        Assert.Equal(["city 1", "city 2", "city 3"], (await store.GetHistoryAsync(Facts, "city")).Select(change => change.NewContent));
        Assert.Equal(9L, await store.GetLatestChangeIdAsync());

        await using var watcher = await FeedWatcher.StartAsync(store, Facts, after: 0);
        Assert.Equal([(3L, 1L), (7L, 2L), (9L, 3L)], (await watcher.NextAsync(3)).Select(e => (e.ChangeId, e.Version)));

        // Erasing ana deletes the newest old row (9): the marker still gets 10, and the next change 11.
        Assert.Equal(1, (await store.EraseSubjectAsync("ana")).HistoryRows);
        await store.PutAsync(Write("pet", "Has a cat"));
        Assert.Equal(
            [(10L, MemoryEventKind.Erased, (string?)null), (11L, MemoryEventKind.Changed, "pet")],
            (await watcher.NextAsync(2)).Select(e => (e.ChangeId, e.Kind, e.Key)));
    }

    [Fact]
    public async Task Disposing_the_store_closes_the_connection_its_watchers_shared()
    {
        var store = Open();
        var watchers = new List<FeedWatcher>();
        for (var i = 0; i < 3; i++)
        {
            watchers.Add(await FeedWatcher.StartAsync(store, Facts));
        }

        await store.PutAsync(Write("pet", "Has a dog"));
        foreach (var watcher in watchers)
        {
            Assert.Equal("pet", (await watcher.NextAsync()).Single().Key);
        }

        await store.DisposeAsync();
        foreach (var watcher in watchers)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => watcher.Ended);
            await watcher.DisposeAsync();
        }

        // SQLite deletes the WAL when the file's last connection closes: a connection left open would keep it.
        Assert.False(File.Exists(_database.Path + "-wal"));
    }

    private async Task<object?> ScalarAsync(string sql) => (await RowsAsync(sql)).SingleOrDefault()?[0];

    private async Task<List<object[]>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<object[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            _ = reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
