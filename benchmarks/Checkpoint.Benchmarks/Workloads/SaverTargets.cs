namespace Checkpoint.Benchmarks.Workloads;

/// <summary>Creates a saver target by name, or explains on stderr why it is skipped.</summary>
public static class SaverTargets
{
    public const string PostgresVariable = "CHECKPOINT_POSTGRES";
    public const string RedisVariable = "CHECKPOINT_REDIS";

    /// <summary>The savers that can run here: memory and sqlite, plus postgres / redis when their env var is set.</summary>
    public static IEnumerable<string> Available()
    {
        yield return "memory";
        yield return "sqlite";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)))
        {
            yield return "postgres";
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RedisVariable)))
        {
            yield return "redis";
        }
    }

    /// <summary>The thread time to live of the <c>sqlite-ttl</c> and <c>postgres-ttl</c> savers: long enough never to pass during a run.</summary>
    public static readonly TimeSpan BenchmarkThreadTimeToLive = TimeSpan.FromDays(1);

    public static async Task<SaverTarget?> CreateAsync(string name, string sqliteDirectory, bool keepFiles, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new MemoryTarget();
            case "sqlite":
                return new SqliteTarget(sqliteDirectory, keepFiles);
            case "sqlite-ttl":
                return new SqliteTarget(sqliteDirectory, keepFiles, BenchmarkThreadTimeToLive);
            case "sqlite-lz4":
                return new SqliteTarget(sqliteDirectory, keepFiles, blockCompression: Serialization.BlockCompression.Lz4);
            case "sqlite-deflate":
                return new SqliteTarget(sqliteDirectory, keepFiles, blockCompression: Serialization.BlockCompression.Deflate);
            case "sqlite-deflate-mmap":
                return new SqliteTarget(sqliteDirectory, keepFiles, blockCompression: Serialization.BlockCompression.Deflate, memoryMapBytes: SqliteTarget.MappedBytes);
            case "sqlite-inline-wal":
                return new SqliteTarget(sqliteDirectory, keepFiles, backgroundWalCheckpoints: false);
            case "sqlite-mmap":
                return new SqliteTarget(sqliteDirectory, keepFiles, memoryMapBytes: SqliteTarget.MappedBytes);
            case "sqlite-lz4-mmap":
                return new SqliteTarget(sqliteDirectory, keepFiles, blockCompression: Serialization.BlockCompression.Lz4, memoryMapBytes: SqliteTarget.MappedBytes);
            case "postgres" or "postgres-ttl" or "redis":
                var variable = name == "redis" ? RedisVariable : PostgresVariable;
                var value = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value))
                {
                    await stderr.WriteLineAsync(
                        $"skipping saver '{name}': {variable} is not set (start servers with scripts/servers.sh start, then " +
                        "set -a; . \"$(scripts/servers.sh env)\"; set +a).").ConfigureAwait(false);
                    return null;
                }

                return name switch
                {
                    "postgres" => new PostgresTarget(value, keptTo: keepFiles ? stderr : null),
                    "postgres-ttl" => new PostgresTarget(value, BenchmarkThreadTimeToLive, keepFiles ? stderr : null),
                    _ => await RedisTarget.ConnectAsync(value).ConfigureAwait(false),
                };
            default:
                await stderr.WriteLineAsync(
                    $"skipping saver '{name}': unknown saver (known: memory, sqlite, sqlite-ttl, sqlite-deflate, sqlite-lz4, sqlite-inline-wal, sqlite-mmap, sqlite-deflate-mmap, sqlite-lz4-mmap, postgres, postgres-ttl, redis).").ConfigureAwait(false);
                return null;
        }
    }
}
