using Checkpoint.Memory;
using Checkpoint.Memory.Markdown;
using Checkpoint.Postgres;
using Checkpoint.Redis;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>Creates M2 backends by name, or explains on stderr why one is skipped.</summary>
public static class M2Targets
{
    /// <summary>The variable naming the PostgreSQL data directory (written by scripts/servers.sh), for the erase byte scan.</summary>
    public const string PostgresDataVariable = "CHECKPOINT_POSTGRES_DATA";

    /// <summary>A memory store alone, for M2-lifecycle and M2-dedup (memory, sqlite, postgres).</summary>
    public static async Task<M2Target?> CreateStoreAsync(string name, string workload, MemoryStoreOptions options, string directory, bool keep, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new M2Target(name, new InMemoryMemoryStore(options), null, "none", null, null);
            case "sqlite":
                return await SqliteAsync(workload, options, null, directory, keep, stderr).ConfigureAwait(false);
            case "postgres":
                return await PostgresAsync(workload, options, null, keep, stderr).ConfigureAwait(false);
            case "redis" or "markdown":
                await stderr.WriteLineAsync(
                    $"skipping {workload} on '{name}': " + (name == "redis"
                        ? "Redis has no memory store (it runs the checkpoint part of M2-erase)."
                        : "the markdown store rewrites a whole file per put, made for curated memory, not thousands of writes (it runs M2-erase).")).ConfigureAwait(false);
                return null;
            default:
                await stderr.WriteLineAsync($"skipping {workload} on '{name}': unknown store (known: memory, sqlite, postgres, redis, markdown).").ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>
    /// The erase backend: memory store + checkpoint saver on one store (memory, sqlite: one file, postgres: one
    /// schema), the saver alone (redis) or the store alone (markdown), all writing with <paramref name="serializer"/>.
    /// </summary>
    public static async Task<M2Target?> CreateEraseAsync(
        string name, MemoryStoreOptions options, CheckpointSerializer serializer, string directory, bool keep, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new M2Target(name, new InMemoryMemoryStore(options), new InMemoryCheckpointSaver(serializer), "none", null, null);
            case "sqlite":
                return await SqliteAsync("m2-erase", options, serializer, directory, keep, stderr).ConfigureAwait(false);
            case "postgres":
                return await PostgresAsync("m2-erase", options, serializer, keep, stderr).ConfigureAwait(false);
            case "redis":
                return await RedisAsync(serializer, keep, stderr).ConfigureAwait(false);
            case "markdown":
                var folder = Path.Combine(directory, $"m2-erase-md-{Unique()}");
                Directory.CreateDirectory(folder);
                return new M2Target(name, new MarkdownMemoryStore(folder, options), null, "files",
                    marker => Task.FromResult(MarkerScan.InFiles(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories), marker)),
                    keep ? null : () =>
                    {
                        Directory.Delete(folder, recursive: true);
                        return Task.CompletedTask;
                    });
            default:
                await stderr.WriteLineAsync($"skipping M2-erase on '{name}': unknown store (known: memory, sqlite, postgres, redis, markdown).").ConfigureAwait(false);
                return null;
        }
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<M2Target> SqliteAsync(
        string workload, MemoryStoreOptions options, CheckpointSerializer? serializer, string directory, bool keep, TextWriter stderr)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{workload}-{Unique()}.db");
        var store = new SqliteMemoryStore(path, options);
        await store.InitializeAsync().ConfigureAwait(false);
        var saver = serializer is null ? null : new SqliteCheckpointSaver(path, new SqliteCheckpointSaverOptions { Serializer = serializer });
        if (keep)
        {
            await stderr.WriteLineAsync($"{workload} sqlite file: {path}").ConfigureAwait(false);
        }

        string[] files = [path, path + "-wal", path + "-shm", path + "-journal"];
        return new M2Target("sqlite", store, saver, "files", marker => Task.FromResult(MarkerScan.InFiles(files, marker)), keep ? null : () =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in files)
            {
                File.Delete(file);
            }

            return Task.CompletedTask;
        });
    }

    private static async Task<M2Target?> PostgresAsync(
        string workload, MemoryStoreOptions options, CheckpointSerializer? serializer, bool keep, TextWriter stderr)
    {
        if (Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable) is not { Length: > 0 } connectionString)
        {
            await stderr.WriteLineAsync($"skipping {workload} on 'postgres': {SaverTargets.PostgresVariable} is not set.").ConfigureAwait(false);
            return null;
        }

        var schema = $"{workload.Replace('-', '_')}_{Unique()}";
        var dataSource = PostgresDataSources.Create(connectionString);
        var store = new PostgresMemoryStore(dataSource, options, new PostgresMemoryStoreOptions { Schema = schema });
        await store.InitializeAsync().ConfigureAwait(false);
        PostgresCheckpointSaver? saver = null;
        if (serializer is not null)
        {
            saver = new PostgresCheckpointSaver(dataSource, new PostgresCheckpointSaverOptions { Schema = schema, Serializer = serializer });
            _ = await saver.MigrateAsync().ConfigureAwait(false);
        }

        await stderr.WriteLineAsync($"{workload} postgres schema: {schema}").ConfigureAwait(false);
        var data = Environment.GetEnvironmentVariable(PostgresDataVariable);
        if (serializer is not null && string.IsNullOrEmpty(data))
        {
            await stderr.WriteLineAsync($"M2-erase on postgres: {PostgresDataVariable} is not set, so bytes_left is null (no file scan).").ConfigureAwait(false);
        }

        return new M2Target("postgres", store, saver, string.IsNullOrEmpty(data) ? "none" : "table-files",
            string.IsNullOrEmpty(data) ? null : marker => CountInTableFilesAsync(dataSource, schema, data, marker),
            async () =>
            {
                if (!keep)
                {
                    await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
                    _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                await dataSource.DisposeAsync().ConfigureAwait(false);
            });
    }

    // The files of the schema's tables, their TOAST tables and all their indexes, after a CHECKPOINT wrote the
    // buffers out (as PostgresErasureFileTests does). The WAL keeps history by design and is not scanned.
    private static async Task<long> CountInTableFilesAsync(NpgsqlDataSource dataSource, string schema, string dataDirectory, string marker)
    {
        await using (var checkpoint = dataSource.CreateCommand("CHECKPOINT"))
        {
            _ = await checkpoint.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var command = dataSource.CreateCommand("""
            WITH t AS (SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = $1 AND c.relkind = 'r'),
                 r AS (SELECT oid FROM t UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0)
            SELECT pg_relation_filepath(oid) FROM r
            UNION SELECT pg_relation_filepath(i.indexrelid) FROM pg_index i WHERE i.indrelid IN (SELECT oid FROM r)
            """);
        command.Parameters.AddWithValue(schema);
        var files = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var path = Path.Combine(dataDirectory, reader.GetString(0));
                files.AddRange(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));
            }
        }

        return MarkerScan.InFiles(files, marker);
    }

    private static async Task<M2Target?> RedisAsync(CheckpointSerializer serializer, bool keep, TextWriter stderr)
    {
        if (Environment.GetEnvironmentVariable(SaverTargets.RedisVariable) is not { Length: > 0 } configuration)
        {
            await stderr.WriteLineAsync($"skipping M2-erase on 'redis': {SaverTargets.RedisVariable} is not set.").ConfigureAwait(false);
            return null;
        }

        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        var prefix = $"m2erase:{Unique()}";
        var saver = new RedisCheckpointSaver(connection, new RedisCheckpointSaverOptions { KeyPrefix = prefix, Serializer = serializer });
        return new M2Target("redis", null, saver, "redis-values", marker => CountInRedisAsync(connection, prefix, marker), async () =>
        {
            if (!keep)
            {
                var database = connection.GetDatabase();
                foreach (var batch in Keys(connection, prefix).Chunk(500))
                {
                    _ = await database.KeyDeleteAsync(batch).ConfigureAwait(false);
                }
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        });
    }

    private static List<RedisKey> Keys(ConnectionMultiplexer connection, string prefix) =>
        [.. connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: prefix + ":*", pageSize: 1000)];

    // Redis deletes keys in memory: what is left is the values of the keys still under the prefix (and the key
    // names), read by type (DUMP would show LZF-compressed strings, hiding markers). Its AOF/RDB files keep
    // what they had until rewritten and are not scanned.
    private static async Task<long> CountInRedisAsync(ConnectionMultiplexer connection, string prefix, string marker)
    {
        var database = connection.GetDatabase();
        long count = 0;
        foreach (var key in Keys(connection, prefix))
        {
            count += MarkerScan.InBytes((byte[])key!, marker);
            var type = await database.KeyTypeAsync(key).ConfigureAwait(false);
            IEnumerable<RedisValue> values = type switch
            {
                RedisType.String => [await database.StringGetAsync(key).ConfigureAwait(false)],
                RedisType.Hash => (await database.HashGetAllAsync(key).ConfigureAwait(false)).SelectMany(e => new[] { e.Name, e.Value }),
                RedisType.SortedSet => await database.SortedSetRangeByRankAsync(key).ConfigureAwait(false),
                RedisType.List => await database.ListRangeAsync(key).ConfigureAwait(false),
                RedisType.Set => await database.SetMembersAsync(key).ConfigureAwait(false),
                _ => [],
            };
            foreach (var value in values)
            {
                if (!value.IsNull)
                {
                    count += MarkerScan.InBytes((byte[])value!, marker);
                }
            }
        }

        return count;
    }
}
