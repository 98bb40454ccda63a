using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>Retention on engine-written threads, on PostgreSQL, in a fresh schema per test.</summary>
public sealed class PostgresRetentionEngineTests : RetentionEngineTests, IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    protected override async Task<CheckpointSaver> CreateSaverAsync()
    {
        var saver = PostgresTestServer.NewSaver(_schema);
        await saver.MigrateAsync();
        return saver;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(_schema);
    }
}
