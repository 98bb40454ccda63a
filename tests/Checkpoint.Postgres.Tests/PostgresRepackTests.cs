using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>RepackAsync on PostgreSQL, in a fresh schema per test shared by every saver instance of the test.</summary>
public sealed class PostgresRepackTests : RepackTests, IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    protected override async Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer)
    {
        var saver = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, Serializer = serializer });
        await saver.MigrateAsync();
        return saver;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await PostgresTestServer.DropSchemaAsync(_schema);
    }
}
