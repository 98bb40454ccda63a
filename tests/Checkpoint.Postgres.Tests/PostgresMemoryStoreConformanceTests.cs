using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The memory store conformance suite on PostgreSQL (real[] vectors: the server has no pgvector), each store in a fresh schema dropped after the test.</summary>
public sealed class PostgresMemoryStoreConformanceTests : MemoryStoreConformanceTests, IAsyncLifetime
{
    private readonly List<string> _schemas = [];
    private readonly List<Npgsql.NpgsqlDataSource> _dataSources = [];

    protected override Task<MemoryStore> CreateStoreAsync(MemoryStoreOptions options)
    {
        var schema = PostgresTestServer.NewSchema();
        _schemas.Add(schema);
        return Task.FromResult<MemoryStore>(new PostgresMemoryStore(
            PostgresTestServer.DataSource, options, new PostgresMemoryStoreOptions { Schema = schema, UsePgVector = false }));
    }

    // Its own data source: connections of its own, as another replica would have.
    protected override Task<MemoryStore?> OpenSharedStoreAsync(MemoryStoreOptions options)
    {
        var dataSource = Npgsql.NpgsqlDataSource.Create(PostgresTestServer.ConnectionString);
        _dataSources.Add(dataSource);
        return Task.FromResult<MemoryStore?>(new PostgresMemoryStore(
            dataSource, options, new PostgresMemoryStoreOptions { Schema = _schemas[0], UsePgVector = false }));
    }

    protected override async Task<(long Items, long HistoryRows)?> CountStoredRowsAsync()
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM \"{_schemas[0]}\".memories), (SELECT count(*) FROM \"{_schemas[0]}\".memory_history WHERE kind >= 0)");
        await using var reader = await command.ExecuteReaderAsync();
        _ = await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }
}
