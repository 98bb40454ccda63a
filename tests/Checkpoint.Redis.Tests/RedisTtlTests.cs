using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

public sealed class RedisTtlTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    /// <summary>The keys of a thread with checkpoints, children, chunks and writes, whatever their number.</summary>
    private static readonly string[] FullLayout = ["ch", "chx", "cp", "ids", "kids", "ns", "w", "wx"];

    /// <summary>A thread long enough to have record groups also has its layout counter (<c>rp</c>).</summary>
    private static readonly string[] GroupedLayout = [.. FullLayout, "rp"];
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
        Assert.Equal(FullLayout, keys.Select(key => ((string)key!)[(prefix.Length + ":t:t1:".Length)..]).Order(StringComparer.Ordinal));
        await AssertAllHaveTtlAsync(keys);
    }

    [Fact]
    public async Task The_number_of_keys_of_a_thread_does_not_grow_with_its_checkpoints()
    {
        var (saver, prefix) = await NewSaverAsync(Ttl);
        var blob = Guid.NewGuid();
        Guid? parent = null;
        for (var step = 0; step < 100; step++)
        {
            var record = Records.New("long", parent, step: step, blob: blob, end: step + 1);
            await saver.PutAsync(record, [Records.Chunk(blob, step)], PutMode.Continue);
            await saver.PutWritesAsync("long", "", record.Id, [Records.Write("task")]);
            parent = record.Id;
        }

        var keys = await ThreadKeysAsync(prefix);
        Assert.True(keys.Count <= 10, $"a 100-checkpoint thread has {keys.Count} keys");
        Assert.Equal(GroupedLayout.Order(StringComparer.Ordinal), keys.Select(key => ((string)key!)[(prefix.Length + ":t:long:".Length)..]).Order(StringComparer.Ordinal));
        await AssertAllHaveTtlAsync(keys);

        // More namespaces add fields, not keys.
        for (var ns = 0; ns < 20; ns++)
        {
            await saver.PutAsync(Records.New("long", ns: $"sub:{ns}", blob: blob, end: 1), [Records.Chunk(blob, 0)], PutMode.Continue);
        }

        Assert.Equal(GroupedLayout.Length, (await ThreadKeysAsync(prefix)).Count);
        Assert.Equal(100, await CountAsync(saver, new CheckpointFilter { ThreadId = "long", Namespace = "" }));
        Assert.Equal(120, await CountAsync(saver, new CheckpointFilter { ThreadId = "long" }));
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

        Assert.Equal(3, await CountAsync(saver, new CheckpointFilter { ThreadId = "dst" }));
        var copied = (await ThreadKeysAsync(prefix)).Where(key => ((string)key!).Contains(":t:dst:", StringComparison.Ordinal)).ToList();
        Assert.Equal(FullLayout.Length, copied.Count);
        await AssertAllHaveTtlAsync(copied);
        foreach (var key in (await ThreadKeysAsync(prefix)).Where(key => ((string)key!).Contains(":t:src:", StringComparison.Ordinal)))
        {
            Assert.Null(await db.KeyTimeToLiveAsync(key));
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

    private async Task AssertAllHaveTtlAsync(IEnumerable<RedisKey> keys)
    {
        foreach (var key in keys)
        {
            var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= Ttl, $"{key} has TTL {ttl}");
        }
    }

    private static async Task<int> CountAsync(RedisCheckpointSaver saver, CheckpointFilter filter)
    {
        var count = 0;
        await foreach (var _ in saver.ListAsync(filter))
        {
            count++;
        }

        return count;
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

    /// <summary>
    /// Every key of a thread (<c>P:t:...</c>): every key under the prefix except the global ones
    /// (thread set and id index), which have no TTL.
    /// </summary>
    private async Task<List<RedisKey>> ThreadKeysAsync(string prefix) =>
        [.. (await RedisTestServer.KeysAsync(_connection, prefix)).Where(key => ((string)key!).StartsWith(prefix + ":t:", StringComparison.Ordinal))];

    private async Task<(RedisCheckpointSaver Saver, string Prefix)> NewSaverAsync(TimeSpan? ttl)
    {
        var created = await RedisTestServer.NewSaverAsync(ttl);
        _prefixes.Add(created.Prefix);
        return created;
    }
}
