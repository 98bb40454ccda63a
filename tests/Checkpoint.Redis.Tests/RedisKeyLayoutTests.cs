using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

public sealed class RedisKeyLayoutTests : IAsyncLifetime
{
    private IConnectionMultiplexer _connection = null!;
    private RedisCheckpointSaver _saver = null!;
    private string _prefix = "";

    public async Task InitializeAsync()
    {
        _connection = await RedisTestServer.ConnectionAsync();
        (_saver, _prefix) = await RedisTestServer.NewSaverAsync();
    }

    public Task DisposeAsync() => RedisTestServer.DeleteKeysAsync(_connection, _prefix);

    [Fact]
    public async Task Deleting_every_thread_leaves_no_key_behind()
    {
        foreach (var thread in new[] { "a", "b:c", "100%" })
        {
            var blob = Guid.NewGuid();
            var first = Records.New(thread, blob: blob, end: 1);
            await _saver.PutAsync(first, [Records.Chunk(blob, 0)], PutMode.Continue);
            await _saver.PutWritesAsync(thread, "", first.Id, [Records.Write("x")]);
            await _saver.PutAsync(Records.New(thread, ns: "child", blob: blob, end: 1), [Records.Chunk(blob, 0)], PutMode.Continue);
            await _saver.PutWritesAsync(thread, "never-checkpointed", Guid.NewGuid(), [Records.Write("y")]);
        }

        foreach (var thread in new[] { "a", "b:c", "100%" })
        {
            await _saver.DeleteThreadAsync(thread);
        }

        Assert.Empty(await RedisTestServer.KeysAsync(_connection, _prefix));
    }

    [Fact]
    public async Task Separators_in_thread_and_namespace_names_cannot_collide()
    {
        // Without encoding, ("x:n:y", "") and ("x", "y") would share the key prefix "t:x:n:y".
        var left = Records.New("x:n:y");
        var right = Records.New("x", ns: "y");
        await _saver.PutAsync(left, [], PutMode.Continue);
        await _saver.PutAsync(right, [], PutMode.Continue);

        Assert.Equal(left.Id, (await _saver.GetAsync("x:n:y", "", null))!.Checkpoint.Id);
        Assert.Equal(right.Id, (await _saver.GetAsync("x", "y", null))!.Checkpoint.Id);
        Assert.Null(await _saver.GetAsync("x:n:y", "", right.Id));
        var pipes = Records.New("p", ns: "a|b");
        await _saver.PutAsync(pipes, [], PutMode.Continue);
        await _saver.PutWritesAsync("p", "a|b", pipes.Id, [Records.Write("task|with|pipes", 3), Records.Write("task", 1)]);
        var tuple = await _saver.GetByIdAsync(pipes.Id);
        Assert.Equal(["task", "task|with|pipes"], tuple!.PendingWrites.Select(write => write.TaskId));
        Assert.Equal("a|b", tuple.Checkpoint.Namespace);
    }

    [Fact]
    public async Task A_thread_whose_keys_expired_disappears_from_listings()
    {
        await _saver.PutAsync(Records.New("gone"), [], PutMode.Continue);
        await _saver.PutAsync(Records.New("kept"), [], PutMode.Continue);
        var db = _connection.GetDatabase();

        // What expiry does to a thread: every key of it vanishes; the global thread set remains.
        var goneKeys = (await RedisTestServer.KeysAsync(_connection, _prefix))
            .Where(key => ((string)key!).Contains(":t:gone:", StringComparison.Ordinal) || IsCheckpointOf(db, key, "gone"))
            .ToArray();
        Assert.NotEmpty(goneKeys);
        await db.KeyDeleteAsync(goneKeys);

        var threads = new List<string>();
        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter()))
        {
            threads.Add(tuple.Checkpoint.ThreadId);
        }

        Assert.Equal(["kept"], threads);
        Assert.False(await db.SetContainsAsync(_prefix + ":threads", "gone"));
    }

    private static bool IsCheckpointOf(IDatabase db, RedisKey key, string thread) =>
        ((string)key!).Contains(":cp:", StringComparison.Ordinal) && db.HashGet(key, "thread") == thread;
}
