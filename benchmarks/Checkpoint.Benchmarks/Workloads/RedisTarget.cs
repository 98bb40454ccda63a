using Checkpoint.Redis;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>Redis: one new key prefix per store (its keys deleted afterwards); stored bytes = sum of MEMORY USAGE over its keys.</summary>
public sealed class RedisTarget(ConnectionMultiplexer connection) : SaverTarget
{
    public override string Name => "redis";

    public static async Task<RedisTarget> ConnectAsync(string configuration) =>
        new(await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false));

    public override Task<SaverStore> CreateStoreAsync(string label) =>
        Task.FromResult<SaverStore>(new Store(connection, $"bench:{label}:{Unique()}"));

    public override async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Store(ConnectionMultiplexer connection, string prefix) : SaverStore
    {
        private readonly RedisCheckpointSaver _saver = new(connection, new RedisCheckpointSaverOptions { KeyPrefix = prefix });

        public override CheckpointSaver Saver => _saver;

        public override Task InitializeAsync() => Task.CompletedTask;

        public override async Task<long?> MeasureStoredBytesAsync()
        {
            var database = connection.GetDatabase();
            long total = 0;
            foreach (var key in Keys())
            {
                var usage = await database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0").ConfigureAwait(false);
                total += usage.IsNull ? 0 : (long)usage;
                if (Environment.GetEnvironmentVariable("CHECKPOINT_BENCH_REDIS_KEYS") == "1")
                {
                    // The per-key breakdown of docs/storage.md (Redis layout): bytes, encoding, entries.
                    var encoding = await database.ExecuteAsync("OBJECT", "ENCODING", key).ConfigureAwait(false);
                    var type = await database.KeyTypeAsync(key).ConfigureAwait(false);
                    var entries = type switch
                    {
                        RedisType.Hash => await database.HashLengthAsync(key).ConfigureAwait(false),
                        RedisType.SortedSet => await database.SortedSetLengthAsync(key).ConfigureAwait(false),
                        RedisType.Set => await database.SetLengthAsync(key).ConfigureAwait(false),
                        RedisType.String => await database.StringLengthAsync(key).ConfigureAwait(false),
                        _ => 0,
                    };
                    Console.Error.WriteLine($"redis-key {(string?)key} {(long)usage} {(string?)encoding} {entries}");
                }
            }

            return total;
        }

        public override async ValueTask DisposeAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            var database = connection.GetDatabase();
            foreach (var batch in Keys().Chunk(500))
            {
                _ = await database.KeyDeleteAsync(batch).ConfigureAwait(false);
            }
        }

        private List<RedisKey> Keys()
        {
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            return [.. server.Keys(pattern: prefix + ":*", pageSize: 1000)];
        }
    }
}
