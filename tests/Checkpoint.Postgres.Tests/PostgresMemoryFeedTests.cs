using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>What the feed conformance cases cannot see on PostgreSQL: the LISTEN connection breaking, the schema 2 → 3 migration, channel names.</summary>
public sealed class PostgresMemoryFeedTests : IAsyncLifetime
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "42", "facts");
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await PostgresTestServer.DropSchemaAsync(_schema);
    }

    // Its own data source: the connections of another process.
    private PostgresMemoryStore Open()
    {
        var dataSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        var store = new PostgresMemoryStore(dataSource, new MemoryStoreOptions(), new PostgresMemoryStoreOptions { Schema = _schema, UsePgVector = false, ScrubAfterErase = false });
        _owned.Add(dataSource);
        _owned.Add(store);
        return store;
    }

    private static MemoryWrite Write(string key) => new() { Namespace = Facts, Key = key, Content = "fact " + key };

    [Fact]
    public async Task A_watcher_gets_every_event_once_in_order_after_its_listen_connection_is_killed()
    {
        var watched = Open();
        var writer = Open();
        await using var watcher = await FeedWatcher.StartAsync(watched, Facts);
        await writer.PutAsync(Write("before"));
        Assert.Equal("before", (await watcher.NextAsync()).Single().Key); // the LISTEN connection is up
        var killed = await ListenerPidsAsync();
        Assert.Single(killed);

        Assert.Equal([true], await QueryAsync<bool>($"SELECT pg_terminate_backend({killed[0]})"));
        for (var i = 0; i < 10; i++)
        {
            await writer.PutAsync(Write($"k{i}"));
        }

        var events = await watcher.NextAsync(10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"k{i}"), events.Select(e => e.Key));
        Assert.Equal(events.Select(e => e.ChangeId).Order(), events.Select(e => e.ChangeId));
        Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));

        // Only a new LISTEN session could have heard of the other instance's writes; it is there, another backend.
        var now = await ListenerPidsAsync();
        Assert.DoesNotContain(killed[0], now);
        Assert.Single(now);
    }

    [Fact]
    public async Task A_disposed_store_leaves_no_listening_session_in_a_shared_pool()
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        var store = new PostgresMemoryStore(dataSource, new MemoryStoreOptions(), new PostgresMemoryStoreOptions { Schema = _schema, UsePgVector = false });
        var writer = Open();
        await using (var watcher = await FeedWatcher.StartAsync(store, Facts))
        {
            await writer.PutAsync(Write("k"));
            Assert.Single(await watcher.NextAsync());
            Assert.Single(await ListenerPidsAsync());

            await store.DisposeAsync();
        }

        Assert.Empty(await ListenerPidsAsync());
        await using var connection = await dataSource.OpenConnectionAsync(); // the pool still works
        await using var channels = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", connection);
        Assert.Equal(0L, await channels.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Version_2_tables_keep_their_history_ids_and_new_changes_are_numbered_above_them()
    {
        // The tables as a version-2 build left them: history ids from an identity, the newest row since erased.
        var sql = new PostgresMemorySql(_schema, "");
        await using (var connection = await PostgresTestServer.DataSource.OpenConnectionAsync())
        {
            await PostgresMemorySchema.MigrateAsync(connection, sql, usePgVector: false, CancellationToken.None, target: 2);
        }

        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (key, version) in new[] { ("a", 1L), ("a", 2L), ("b", 1L) })
        {
            var change = new MemoryChange { Namespace = Facts, Key = key, Version = version, Kind = version == 1 ? MemoryChangeKind.Add : MemoryChangeKind.Update, At = at };
            await using var insert = PostgresTestServer.DataSource.CreateCommand(
                $"INSERT INTO {sql.History} (ns, key, version, kind, at, subject, body) VALUES ($1, $2, $3, $4, $5, NULL, $6)");
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Facts.StorageKey });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)change.Kind });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = at.UtcTicks });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = MemoryChangeCodec.Encode(change, CheckpointSerializer.Default) });
            _ = await insert.ExecuteNonQueryAsync();
        }

        await ExecuteAsync($"DELETE FROM {sql.History} WHERE key = 'b'");
        Assert.Equal([1L, 2L], await QueryAsync<long>($"SELECT seq FROM {sql.History} ORDER BY seq"));

        var store = Open();
        Assert.Equal(3L, await store.GetLatestChangeIdAsync()); // above the erased id 3's place, never reusing it
        Assert.Equal([1L, 2L], (await store.GetHistoryAsync(Facts, "a")).Select(change => change.Version));
        await using var replay = await FeedWatcher.StartAsync(store, Facts, after: 0);
        Assert.Equal([(1L, "a", 1L), (2L, "a", 2L)], (await replay.NextAsync(2)).Select(e => (e.ChangeId, e.Key, e.Version)));

        await store.PutAsync(Write("c"));

        Assert.Equal((4L, "c"), (await replay.NextAsync()).Select(e => (e.ChangeId, e.Key)).Single());
        Assert.Equal([3], await QueryAsync<int>($"SELECT version FROM {sql.VersionTable}"));
    }

    [Fact]
    public async Task An_erasure_marker_is_a_history_row_no_item_history_returns()
    {
        var store = Open();
        await store.PutAsync(Write("a") with { SubjectId = "ana" });
        await store.PutAsync(Write("b") with { SubjectId = "bo" });

        await store.EraseSubjectAsync("ana");

        var sql = new PostgresMemorySql(_schema, "");
        Assert.Equal(
            new (long, string?, int)[] { (2L, "b", 0), (3L, null, PostgresMemorySchema.ErasedKind) },
            (await QueryRowsAsync($"SELECT seq, key, kind FROM {sql.History} ORDER BY seq", r => (r.GetInt64(0), r.IsDBNull(1) ? (string?)null : r.GetString(1), r.GetInt32(2)))));
        Assert.Equal(3L, await store.GetLatestChangeIdAsync());
        Assert.Equal([MemoryChangeKind.Add], (await store.GetHistoryAsync(Facts, "b")).Select(change => change.Kind));
    }

    [Fact]
    public void Channels_are_named_for_schema_and_prefix_within_63_bytes()
    {
        var longSchema = new string('s', 60);
        string[] channels =
        [
            new PostgresMemorySql("checkpoint", "").Channel,
            new PostgresMemorySql("checkpoint", "agent_").Channel,
            new PostgresMemorySql(longSchema + "a", "").Channel,
            new PostgresMemorySql(longSchema + "b", "").Channel,
            new PostgresMemorySql(longSchema + "b", new string('p', 40)).Channel,
        ];

        Assert.Equal("checkpoint_memory.checkpoint.", channels[0]);
        Assert.Equal(channels.Length, channels.Distinct().Count());
        Assert.All(channels, channel => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(channel), 1, 63));
    }

    // The backends of this schema's LISTEN sessions (their last statement reads this schema's counter).
    private Task<List<int>> ListenerPidsAsync() => QueryAsync<int>(
        $"SELECT pid FROM pg_stat_activity WHERE application_name = '{PostgresMemoryListener.ApplicationName}' AND query LIKE '%{_schema}%'");

    private static Task<List<T>> QueryAsync<T>(string sql) => QueryRowsAsync(sql, reader => reader.GetFieldValue<T>(0));

    private static async Task<List<T>> QueryRowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        var values = new List<T>();
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(read(reader));
        }

        return values;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        _ = await command.ExecuteNonQueryAsync();
    }
}
