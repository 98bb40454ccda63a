using Checkpoint.Postgres;
using Checkpoint.Storage;
using Npgsql;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// PostgreSQL: one new schema per store (dropped afterwards unless kept: its name then goes to <paramref name="keptTo"/>);
/// stored bytes = pg_total_relation_size over its tables (heap, TOAST, indexes, free space and visibility maps), live
/// bytes the same after <c>VACUUM FULL</c> of them. With a thread time to live, named <c>postgres-ttl</c>.
/// </summary>
public sealed class PostgresTarget(string connectionString, TimeSpan? threadTimeToLive = null, TextWriter? keptTo = null) : SaverTarget
{
    private readonly NpgsqlDataSource _dataSource = PostgresDataSources.Create(connectionString);

    public override string Name => threadTimeToLive is null ? "postgres" : "postgres-ttl";

    public override Task<SaverStore> CreateStoreAsync(string label)
    {
        var schema = $"bench_{label.Replace('-', '_')}_{Unique()}";
        return Task.FromResult<SaverStore>(new Store(_dataSource, schema, threadTimeToLive, keptTo));
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Store(NpgsqlDataSource dataSource, string schema, TimeSpan? threadTimeToLive, TextWriter? keptTo) : SaverStore
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

        public override async Task<long?> MeasureLiveBytesAsync()
        {
            // Rewrites every table of the schema without the dead tuples that deletes and replaced rows left behind.
            await using (var list = dataSource.CreateCommand(
                "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ') FROM pg_class c " +
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r';"))
            {
                list.Parameters.AddWithValue(schema);
                if (await list.ExecuteScalarAsync().ConfigureAwait(false) is string tables)
                {
                    await using var vacuum = dataSource.CreateCommand($"VACUUM FULL {tables};");
                    _ = await vacuum.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }

            return await MeasureStoredBytesAsync().ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            if (keptTo is not null)
            {
                await keptTo.WriteLineAsync($"kept PostgreSQL schema {schema}").ConfigureAwait(false);
                return;
            }

            await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
            _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
