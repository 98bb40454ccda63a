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
        var gone = Records.New("gone");
        await _saver.PutAsync(gone, [], PutMode.Continue);
        var kept = Records.New("kept");
        await _saver.PutAsync(kept, [], PutMode.Continue);
        var db = _connection.GetDatabase();

        await ExpireThreadAsync("gone");

        var threads = new List<string>();
        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter()))
        {
            threads.Add(tuple.Checkpoint.ThreadId);
        }

        Assert.Equal(["kept"], threads);
        Assert.False(await db.SetContainsAsync(_prefix + ":threads", "gone"));
        Assert.Equal([kept.Id.ToString("N")], (await db.HashKeysAsync(_prefix + ":ix")).Select(field => (string)field!));
        Assert.Equal(1, await db.SortedSetLengthAsync(_prefix + ":ixt"));
        Assert.Null(await _saver.GetByIdAsync(gone.Id));
    }

    [Fact]
    public async Task A_stale_index_entry_reads_as_missing_and_is_dropped()
    {
        var gone = Records.New("gone");
        await _saver.PutAsync(gone, [], PutMode.Continue);
        await ExpireThreadAsync("gone");
        var db = _connection.GetDatabase();
        Assert.True(await db.HashExistsAsync(_prefix + ":ix", gone.Id.ToString("N")));

        Assert.Null(await _saver.GetByIdAsync(gone.Id));
        Assert.Null(await _saver.GetAsync("gone", "", gone.Id));
        Assert.False(await db.HashExistsAsync(_prefix + ":ix", gone.Id.ToString("N")));
        Assert.False(await db.KeyExistsAsync(_prefix + ":ixt"));

        // The id of an expired checkpoint is free again, in any thread.
        var reused = Records.New("other") with { Id = gone.Id };
        await _saver.PutAsync(reused, [], PutMode.Continue);
        Assert.Equal("other", (await _saver.GetByIdAsync(gone.Id))!.Checkpoint.ThreadId);
    }

    [Fact]
    public async Task An_id_held_by_an_expired_thread_can_be_reused_before_the_index_is_cleaned()
    {
        var gone = Records.New("gone");
        await _saver.PutAsync(gone, [], PutMode.Continue);
        await ExpireThreadAsync("gone");

        await _saver.PutAsync(Records.New("other") with { Id = gone.Id }, [], PutMode.Continue);

        Assert.Equal("other", (await _saver.GetByIdAsync(gone.Id))!.Checkpoint.ThreadId);
        var db = _connection.GetDatabase();
        Assert.Equal([$"other|{gone.Id:N}"], (await db.SortedSetRangeByRankAsync(_prefix + ":ixt")).Select(member => (string)member!));
    }

    [Fact]
    public async Task Recreating_an_expired_thread_drops_the_index_entries_of_its_old_checkpoints()
    {
        var old = new List<CheckpointRecord>();
        Guid? parent = null;
        for (var step = 0; step < 5; step++)
        {
            var record = Records.New("t", parent, step: step);
            await _saver.PutAsync(record, [], PutMode.Continue);
            old.Add(record);
            parent = record.Id;
        }

        await ExpireThreadAsync("t");
        var fresh = Records.New("t");
        await _saver.PutAsync(fresh, [], PutMode.Continue);

        var db = _connection.GetDatabase();
        Assert.Equal([fresh.Id.ToString("N")], (await db.HashKeysAsync(_prefix + ":ix")).Select(field => (string)field!));
        Assert.Equal(1, await db.SortedSetLengthAsync(_prefix + ":ixt"));
        foreach (var record in old)
        {
            Assert.Null(await _saver.GetByIdAsync(record.Id));
        }
    }

    [Fact]
    public async Task Puts_garbage_collect_the_index_entries_of_expired_threads()
    {
        for (var step = 0; step < 3; step++)
        {
            await _saver.PutAsync(Records.New("gone", ns: $"ns{step}"), [], PutMode.Continue);
        }

        await ExpireThreadAsync("gone");
        var db = _connection.GetDatabase();

        // Each put samples one thread of the thread set; with two threads, 60 puts miss "gone" with probability 2^-60.
        Guid? parent = null;
        for (var step = 0; step < 60 && await db.SetContainsAsync(_prefix + ":threads", "gone"); step++)
        {
            var record = Records.New("live", parent, step: step);
            await _saver.PutAsync(record, [], PutMode.Continue);
            parent = record.Id;
        }

        Assert.False(await db.SetContainsAsync(_prefix + ":threads", "gone"));
        var members = (await db.SortedSetRangeByRankAsync(_prefix + ":ixt")).Select(member => (string)member!).ToList();
        Assert.NotEmpty(members);
        Assert.All(members, member => Assert.StartsWith("live|", member, StringComparison.Ordinal));
        Assert.Equal(members.Count, await db.HashLengthAsync(_prefix + ":ix"));
    }

    [Fact]
    public async Task Deleting_and_pruning_drop_index_entries()
    {
        Guid? parent = null;
        var records = new List<CheckpointRecord>();
        for (var step = 0; step < 5; step++)
        {
            var record = Records.New("t", parent, step: step);
            await _saver.PutAsync(record, [], PutMode.Continue);
            records.Add(record);
            parent = record.Id;
        }

        await _saver.PutAsync(Records.New("u"), [], PutMode.Continue);
        Assert.Equal(3, await _saver.PruneAsync("t", RetentionPolicy.Latest(2)));
        var db = _connection.GetDatabase();
        Assert.Equal(3, await db.HashLengthAsync(_prefix + ":ix"));
        Assert.Equal(3, await db.SortedSetLengthAsync(_prefix + ":ixt"));

        await _saver.DeleteThreadAsync("t");
        Assert.Equal(1, await db.HashLengthAsync(_prefix + ":ix"));
        Assert.Equal(1, await db.SortedSetLengthAsync(_prefix + ":ixt"));
    }

    /// <summary>What expiry does to a thread: every key of it vanishes; the global keys remain.</summary>
    private async Task ExpireThreadAsync(string thread)
    {
        var keys = (await RedisTestServer.KeysAsync(_connection, _prefix))
            .Where(key => ((string)key!).StartsWith($"{_prefix}:t:{thread}:", StringComparison.Ordinal))
            .ToArray();
        Assert.NotEmpty(keys);
        Assert.Equal(keys.Length, await _connection.GetDatabase().KeyDeleteAsync(keys));
    }
}
