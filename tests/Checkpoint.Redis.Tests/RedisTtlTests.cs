using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

public sealed class RedisTtlTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private readonly List<string> _prefixes = [];
    private IConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await RedisTestServer.ConnectionAsync();

    public async Task DisposeAsync()
    {
        foreach (var prefix in _prefixes)
        {
            await RedisTestServer.DeleteKeysAsync(_connection, prefix);
        }
    }

    [Fact]
    public async Task Every_key_of_the_thread_gets_the_ttl()
    {
        var (saver, prefix) = await NewSaverAsync(Ttl);
        await WriteThreadAsync(saver, "t1");

        var keys = await ThreadKeysAsync(prefix);
        Assert.True(keys.Count >= 10, $"expected the full key layout, got {keys.Count} keys");
        foreach (var key in keys)
        {
            var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= Ttl, $"{key} has TTL {ttl}");
        }
    }

    [Fact]
    public async Task Each_put_refreshes_the_ttl_of_every_key()
    {
        var (saver, prefix) = await NewSaverAsync(Ttl);
        var last = await WriteThreadAsync(saver, "t1");
        var db = _connection.GetDatabase();
        var keys = await ThreadKeysAsync(prefix);
        foreach (var key in keys)
        {
            Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromMinutes(1)));
        }

        await saver.PutAsync(Records.New("t1", last.Id, step: 99), [], PutMode.Continue);
        await AssertAllRefreshedAsync(prefix);

        foreach (var key in await ThreadKeysAsync(prefix))
        {
            Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromMinutes(1)));
        }

        await saver.PutWritesAsync("t1", "", last.Id, [Records.Write("late")]);
        await AssertAllRefreshedAsync(prefix);
    }

    [Fact]
    public async Task Other_threads_keep_their_expiry()
    {
        var (saver, prefix) = await NewSaverAsync(Ttl);
        await WriteThreadAsync(saver, "a");
        var db = _connection.GetDatabase();
        foreach (var key in await ThreadKeysAsync(prefix))
        {
            Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromMinutes(1)));
        }

        await WriteThreadAsync(saver, "b");

        var aKeys = (await ThreadKeysAsync(prefix)).Where(key => ((string)key!).Contains(":t:a:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(aKeys);
        foreach (var key in aKeys)
        {
            Assert.True(await db.KeyTimeToLiveAsync(key) <= TimeSpan.FromMinutes(1), $"{key} was refreshed by another thread's put");
        }
    }

    [Fact]
    public async Task A_copied_thread_gets_the_ttl()
    {
        var (saver, prefix) = await NewSaverAsync(Ttl);
        await WriteThreadAsync(saver, "src");
        var db = _connection.GetDatabase();
        foreach (var key in await ThreadKeysAsync(prefix))
        {
            await db.KeyPersistAsync(key);
        }

        await saver.CopyThreadAsync("src", "dst");

        var copies = 0;
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "dst" }))
        {
            copies++;
            Assert.NotNull(await db.KeyTimeToLiveAsync($"{prefix}:cp:{tuple.Checkpoint.Id:N}"));
        }

        Assert.Equal(3, copies);
        foreach (var key in (await ThreadKeysAsync(prefix)).Where(key => ((string)key!).Contains(":t:dst:", StringComparison.Ordinal)))
        {
            Assert.NotNull(await db.KeyTimeToLiveAsync(key));
        }
    }

    [Fact]
    public async Task Without_ttl_nothing_expires()
    {
        var (saver, prefix) = await NewSaverAsync(null);
        await WriteThreadAsync(saver, "t1");
        foreach (var key in await ThreadKeysAsync(prefix))
        {
            Assert.Null(await _connection.GetDatabase().KeyTimeToLiveAsync(key));
        }
    }

    private async Task AssertAllRefreshedAsync(string prefix)
    {
        foreach (var key in await ThreadKeysAsync(prefix))
        {
            var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.FromMinutes(50), $"{key} was not refreshed (TTL {ttl})");
        }
    }

    /// <summary>Three checkpoints in two namespaces, with chunks and writes: every kind of key.</summary>
    private static async Task<CheckpointRecord> WriteThreadAsync(RedisCheckpointSaver saver, string thread)
    {
        var blob = Guid.NewGuid();
        var first = Records.New(thread, step: 0, blob: blob, end: 1);
        await saver.PutAsync(first, [Records.Chunk(blob, 0)], PutMode.Continue);
        await saver.PutWritesAsync(thread, "", first.Id, [Records.Write("task-a")]);
        var second = Records.New(thread, first.Id, step: 1, blob: blob, end: 2);
        await saver.PutAsync(second, [Records.Chunk(blob, 1)], PutMode.Branch);
        await saver.PutWritesAsync(thread, "", second.Id, [Records.Write("task-b")]);
        var sub = Records.New(thread, ns: "sub|graph:1", step: 0, blob: blob, end: 1);
        await saver.PutAsync(sub, [Records.Chunk(blob, 0)], PutMode.Continue);
        await saver.PutWritesAsync(thread, "sub|graph:1", sub.Id, [Records.Write("task-c")]);
        return second;
    }

    /// <summary>Every key under the prefix except the global thread set (which is not a thread's key).</summary>
    private async Task<List<RedisKey>> ThreadKeysAsync(string prefix) =>
        [.. (await RedisTestServer.KeysAsync(_connection, prefix)).Where(key => key != (RedisKey)(prefix + ":threads"))];

    private async Task<(RedisCheckpointSaver Saver, string Prefix)> NewSaverAsync(TimeSpan? ttl)
    {
        var created = await RedisTestServer.NewSaverAsync(ttl);
        _prefixes.Add(created.Prefix);
        return created;
    }
}
