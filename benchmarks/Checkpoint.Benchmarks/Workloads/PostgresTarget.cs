using Checkpoint.Postgres;
using Checkpoint.Storage;
using Npgsql;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// PostgreSQL: one new schema per store (dropped afterwards unless kept: its name and, at each measure, the size of each
/// relation then go to <paramref name="keptTo"/>);
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
            var total = (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
            if (keptTo is not null)
            {
                await WriteBreakdownAsync(keptTo, total).ConfigureAwait(false);
            }

            return total;
        }

        /// <summary>Each relation of the schema (tables, their TOAST tables, indexes) with its forks and dead tuples.</summary>
        private async Task WriteBreakdownAsync(TextWriter writer, long total)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT coalesce(t.relname || ' ', '') || r.relname, pg_relation_size(r.oid), pg_relation_size(r.oid, 'fsm'),
                       pg_relation_size(r.oid, 'vm'), coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0)
                FROM pg_class t
                JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = $1 AND t.relkind = 'r'
                CROSS JOIN LATERAL (
                    SELECT t.oid UNION ALL SELECT t.reltoastrelid WHERE t.reltoastrelid <> 0
                    UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid IN (t.oid, t.reltoastrelid)) x(oid)
                JOIN pg_class r ON r.oid = x.oid
                LEFT JOIN pg_stat_all_tables s ON s.relid = r.oid
                ORDER BY 1
                """);
            command.Parameters.AddWithValue(schema);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await writer.WriteLineAsync($"{schema}: {total} bytes (relation: main fsm vm, live/dead tuples)").ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                await writer.WriteLineAsync(
                    $"  {reader.GetString(0)}: {reader.GetInt64(1)} {reader.GetInt64(2)} {reader.GetInt64(3)}, {reader.GetInt64(4)}/{reader.GetInt64(5)}").ConfigureAwait(false);
            }
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
