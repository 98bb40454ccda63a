using Checkpoint.Conformance;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The shared conformance suite on PostgreSQL, each test in a fresh schema that is dropped after it.</summary>
public sealed class PostgresSaverConformanceTests : CheckpointSaverConformanceTests, IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    /// <inheritdoc />
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
