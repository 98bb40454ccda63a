using Checkpoint.Redis;
using StackExchange.Redis;

namespace Checkpoint.Redis.Tests;

/// <summary>
/// The Redis server the tests use: <c>CHECKPOINT_REDIS</c> (a StackExchange.Redis configuration
/// string such as <c>127.0.0.1:56379</c>). Without it the tests fail: they never skip.
/// </summary>
internal static class RedisTestServer
{
    public const string Variable = "CHECKPOINT_REDIS";

    private static readonly Lazy<Task<ConnectionMultiplexer>> Shared = new(() => ConnectAsync());

    /// <summary>The connection shared by the tests.</summary>
    public static Task<ConnectionMultiplexer> ConnectionAsync() => Shared.Value;

    /// <summary>The StackExchange.Redis configuration string of the test server; throws saying how to start one when unset.</summary>
    public static string Configuration => Environment.GetEnvironmentVariable(Variable) is { } configuration && !string.IsNullOrWhiteSpace(configuration)
        ? configuration
        : throw new InvalidOperationException(
            $"{Variable} is not set. The Redis tests need a server: start one (e.g. " +
            "`redis-server --port 56379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes`) " +
            $"and set {Variable}=127.0.0.1:56379.");

    /// <summary>A new connection (for tests that need several clients racing).</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(Configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = Math.Max(options.ConnectTimeout, 10_000);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A fresh random key prefix.</summary>
    public static string NewPrefix() => "ckpt-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Every key under a prefix.</summary>
    public static async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer connection, string prefix)
    {
        var keys = new List<RedisKey>();
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 500))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>
    /// Every stored byte under a prefix, for scans: each key's name, and every value, hash field and member of it
    /// (a key of a type the scan does not read fails the test).
    /// </summary>
    public static async Task<List<byte[]>> AllStoredBytesAsync(IConnectionMultiplexer connection, string prefix)
    {
        var db = connection.GetDatabase();
        var values = new List<byte[]>();
        foreach (var key in await KeysAsync(connection, prefix))
        {
            values.Add(key.ToString().Select(c => (byte)c).ToArray());
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    values.Add((byte[])(await db.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    values.AddRange((await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }));
                    break;
                case RedisType.SortedSet:
                    values.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(m => (byte[])m!));
                    break;
                case RedisType.Set:
                    values.AddRange((await db.SetMembersAsync(key)).Select(m => (byte[])m!));
                    break;
                case RedisType.List:
                    values.AddRange((await db.ListRangeAsync(key)).Select(m => (byte[])m!));
                    break;
                case var other:
                    throw new InvalidOperationException($"Key {key} has type {other}, which this scan does not read.");
            }
        }

        return values;
    }

    /// <summary>Deletes every key under a prefix.</summary>
    public static async Task DeleteKeysAsync(IConnectionMultiplexer connection, string prefix)
    {
        var keys = await KeysAsync(connection, prefix);
        if (keys.Count > 0)
        {
            await connection.GetDatabase().KeyDeleteAsync([.. keys]);
        }
    }

    /// <summary>A saver on the shared connection with a fresh prefix.</summary>
    public static async Task<(RedisCheckpointSaver Saver, string Prefix)> NewSaverAsync(TimeSpan? ttl = null)
    {
        var prefix = NewPrefix();
        var connection = await ConnectionAsync();
        return (new RedisCheckpointSaver(connection, new RedisCheckpointSaverOptions { KeyPrefix = prefix, ThreadTimeToLive = ttl }), prefix);
    }
}
