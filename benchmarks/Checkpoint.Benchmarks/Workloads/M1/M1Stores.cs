using Checkpoint.Memory;
using Checkpoint.Postgres;
using Checkpoint.Sqlite;
using Npgsql;

namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>
/// A memory store under test, how to measure its stored bytes once closed (null: nothing to measure)
/// and how to remove what it stored (null: nothing to remove, or kept).
/// </summary>
public sealed class M1Store(string name, MemoryStore store, Func<Task<long?>>? measure = null, Func<Task>? remove = null) : IAsyncDisposable
{
    public string Name => name;

    public MemoryStore Store => store;

    /// <summary>Closes the store and returns its stored bytes now (SQLite: db + WAL + shm; PostgreSQL: its tables with indexes and TOAST), or null.</summary>
    public async Task<long?> CloseAndMeasureAsync()
    {
        await store.DisposeAsync().ConfigureAwait(false);
        return measure is null ? null : await measure().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync().ConfigureAwait(false);
        if (remove is not null)
        {
            await remove().ConfigureAwait(false);
        }
    }
}

/// <summary>Creates an M1 store by name, or explains on stderr why it is skipped.</summary>
public static class M1Stores
{
    public static async Task<M1Store?> CreateAsync(string name, MemoryStoreOptions options, string directory, bool keepFile, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new M1Store(name, new InMemoryMemoryStore(options));
            case "sqlite":
                return await SqliteAsync(options, directory, keepFile, stderr).ConfigureAwait(false);
            case "postgres":
                return await PostgresAsync(options, keepFile, stderr).ConfigureAwait(false);
            default:
                await stderr.WriteLineAsync($"skipping M1 on '{name}': no memory store of that name (M1 runs on memory, sqlite, postgres).").ConfigureAwait(false);
                return null;
        }
    }

    private static async Task<M1Store> SqliteAsync(MemoryStoreOptions options, string directory, bool keepFile, TextWriter stderr)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"m1-{Guid.NewGuid().ToString("N")[..8]}.db");
        var store = new SqliteMemoryStore(path, options);
        await store.InitializeAsync().ConfigureAwait(false);
        if (keepFile)
        {
            await stderr.WriteLineAsync($"M1 sqlite file: {path}").ConfigureAwait(false);
        }

        return new M1Store("sqlite", store, () => Task.FromResult<long?>(SqliteTarget.FileBytes(path)), keepFile ? null : () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>A store in a new schema on <c>CHECKPOINT_POSTGRES</c> (the W1 postgres target's server), dropped afterwards unless kept.</summary>
    private static async Task<M1Store?> PostgresAsync(MemoryStoreOptions options, bool keep, TextWriter stderr)
    {
        if (Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable) is not { Length: > 0 } connectionString)
        {
            await stderr.WriteLineAsync($"skipping M1 on 'postgres': {SaverTargets.PostgresVariable} is not set.").ConfigureAwait(false);
            return null;
        }

        var schema = $"m1_{Guid.NewGuid().ToString("N")[..8]}";
        var store = new PostgresMemoryStore(connectionString, options, new PostgresMemoryStoreOptions { Schema = schema });
        await store.InitializeAsync().ConfigureAwait(false);
        await stderr.WriteLineAsync($"M1 postgres schema: {schema} ({(store.UsesPgVector ? "pgvector" : "real[] vectors, cosine in the client")})").ConfigureAwait(false);
        return new M1Store("postgres", store,
            async () =>
            {
                await using var dataSource = PostgresDataSources.Create(connectionString);
                await using var command = dataSource.CreateCommand(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c " +
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p');");
                command.Parameters.AddWithValue(schema);
                return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
            },
            keep ? null : async () =>
            {
                await using var dataSource = PostgresDataSources.Create(connectionString);
                await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
                _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            });
    }
}
