using Checkpoint.Conformance;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The whole conformance suite with a thread time to live that never passes: expiry changes nothing else.</summary>
public sealed class PostgresSaverWithTtlConformanceTests : CheckpointSaverConformanceTests, IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    /// <inheritdoc />
    protected override async Task<CheckpointSaver> CreateSaverAsync()
    {
        var saver = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, ThreadTimeToLive = TimeSpan.FromDays(1) });
        await saver.MigrateAsync();
        return saver;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(_schema);
    }
}
