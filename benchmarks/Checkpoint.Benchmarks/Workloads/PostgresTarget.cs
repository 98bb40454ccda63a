using Checkpoint.Postgres;
using Checkpoint.Storage;
using Npgsql;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// PostgreSQL: one new schema per store (dropped afterwards); stored bytes = pg_total_relation_size over its tables.
/// With a thread time to live, named <c>postgres-ttl</c>.
/// </summary>
public sealed class PostgresTarget(string connectionString, TimeSpan? threadTimeToLive = null) : SaverTarget
{
    private readonly NpgsqlDataSource _dataSource = PostgresDataSources.Create(connectionString);

    public override string Name => threadTimeToLive is null ? "postgres" : "postgres-ttl";

    public override Task<SaverStore> CreateStoreAsync(string label)
    {
        var schema = $"bench_{label.Replace('-', '_')}_{Unique()}";
        return Task.FromResult<SaverStore>(new Store(_dataSource, schema, threadTimeToLive));
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Store(NpgsqlDataSource dataSource, string schema, TimeSpan? threadTimeToLive) : SaverStore
    {
        private readonly PostgresCheckpointSaver _saver = new(dataSource, new PostgresCheckpointSaverOptions { Schema = schema, ThreadTimeToLive = threadTimeToLive });

        public override CheckpointSaver Saver => _saver;

        public override async Task InitializeAsync() => _ = await _saver.MigrateAsync().ConfigureAwait(false);

        public override async Task<long?> MeasureStoredBytesAsync()
        {
            await using var command = dataSource.CreateCommand(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c " +
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p');");
            command.Parameters.AddWithValue(schema);
            return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }

        public override async ValueTask DisposeAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
            _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
