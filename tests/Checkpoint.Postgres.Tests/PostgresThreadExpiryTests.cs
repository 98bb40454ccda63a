using Checkpoint.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>PostgreSQL-specific thread expiry: the migration of an existing schema and what a purge leaves in the tables.</summary>
public sealed class PostgresThreadExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(7);
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);

    [Fact]
    public async Task A_version_1_schema_is_migrated_and_its_threads_expire_from_their_newest_checkpoint_at_the_first_purge()
    {
        // A schema as version 1 left it, holding a thread created at the Unix epoch (Records) and one created now.
        await using (var legacy = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, AutoMigrate = false }))
        {
            await PostgresTestServer.MigrateToAsync(_schema, 1);
            await legacy.PutAsync(Records.Checkpoint("old", null, 0), [], PutMode.Continue);
            await legacy.PutAsync(Records.Checkpoint("recent", null, 0) with { CreatedAt = _clock.GetUtcNow() }, [], PutMode.Continue);
        }

        await using var saver = CreateSaver();
        Assert.Equal(PostgresCheckpointSaver.SchemaVersion - 1, await saver.MigrateAsync());
        Assert.NotNull(await saver.GetAsync("old", "", null)); // never stamped: visible until a purge

        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());

        Assert.Null(await saver.GetAsync("old", "", null));
        Assert.Equal(["recent"], await ScalarsAsync($"SELECT DISTINCT thread_id FROM \"{_schema}\".checkpoints"));
        Assert.Equal(["recent"], await ScalarsAsync($"SELECT thread_id FROM \"{_schema}\".threads"));
    }

    [Fact]
    public async Task A_purge_leaves_no_row_of_the_expired_threads()
    {
        await using var saver = CreateSaver();
        var blob = Guid.NewGuid();
        foreach (var ns in new[] { "", "child" })
        {
            var record = Records.Checkpoint("thread", null, 0, ns, new BlobRun(blob, 1));
            await saver.PutAsync(record, [Records.Chunk(blob, 0)], PutMode.Continue);
            await saver.PutWritesAsync("thread", ns, record.Id, [Records.Write("task", 0)]);
        }

        _clock.Advance(Ttl);
        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());

        foreach (var table in new[] { "threads", "checkpoints", "chunks", "writes" })
        {
            Assert.Empty(await ScalarsAsync($"SELECT thread_id FROM \"{_schema}\".{table}"));
        }
    }

    private PostgresCheckpointSaver CreateSaver() =>
        new(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, ThreadTimeToLive = Ttl, TimeProvider = _clock });

    private static async Task<List<string>> ScalarsAsync(string sql)
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
