using Checkpoint.Conformance;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The shared thread time-to-live suite on PostgreSQL: one fresh schema per test, shared by its savers, dropped after it.</summary>
public sealed class PostgresThreadTimeToLiveTests : SharedStoreThreadTimeToLiveTests
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    protected override async Task<CheckpointSaver> CreateSaverAsync(TimeSpan? threadTimeToLive, TimeProvider timeProvider)
    {
        var saver = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource,
            new PostgresCheckpointSaverOptions { Schema = _schema, ThreadTimeToLive = threadTimeToLive, TimeProvider = timeProvider });
        await saver.MigrateAsync();
        return saver;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(_schema);
    }
}
