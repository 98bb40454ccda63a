using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The list compaction through the engine on PostgreSQL, in a fresh schema per test.</summary>
public sealed class PostgresCompactionTests : CompactionTests, IAsyncLifetime
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
