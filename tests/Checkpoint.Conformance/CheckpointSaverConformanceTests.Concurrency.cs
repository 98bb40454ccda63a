using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Continue_from_a_parent_that_already_has_a_child_throws_conflict()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        var winner = await PutAsync(Record(thread, parentId: parent.Id, step: 1));
        var loser = Record(thread, parentId: parent.Id, step: 1);

        var error = await Assert.ThrowsAsync<CheckpointConflictException>(() => Saver.PutAsync(loser, [], PutMode.Continue));

        Assert.Equal((thread, "", (Guid?)parent.Id), (error.ThreadId, error.Namespace, error.ParentId));
        Assert.Null(await Saver.GetByIdAsync(loser.Id));
        Assert.Equal(winner.Id, (await Saver.GetAsync(thread, "", null))!.Checkpoint.Id);
    }

    [Fact]
    public async Task Continue_first_checkpoint_on_a_non_empty_thread_throws_conflict()
    {
        var thread = NewThread();
        await PutAsync(Record(thread));

        var error = await Assert.ThrowsAsync<CheckpointConflictException>(() => Saver.PutAsync(Record(thread), [], PutMode.Continue));

        Assert.Null(error.ParentId);
        Assert.Single(await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }

    [Fact]
    public async Task Continue_first_checkpoint_in_a_new_namespace_or_thread_is_no_conflict()
    {
        var thread = NewThread();
        await PutAsync(Record(thread));

        await PutAsync(Record(thread, "sub"));
        await PutAsync(Record(NewThread()));

        Assert.Equal(2, (await ListIdsAsync(new CheckpointFilter { ThreadId = thread })).Count);
    }

    [Fact]
    public async Task Branch_sibling_is_allowed()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        var first = await PutAsync(Record(thread, parentId: parent.Id, step: 1));
        var sibling = await PutAsync(Record(thread, parentId: parent.Id, step: 1, source: CheckpointSource.Update), PutMode.Branch);
        var another = await PutAsync(Record(thread, parentId: parent.Id, step: 1, source: CheckpointSource.Fork), PutMode.Branch);

        Assert.Equal(NewestFirst([parent, first, sibling, another]), await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
        Assert.All([first, sibling, another], r => Assert.Equal(parent.Id, r.ParentId));
    }

    [Fact]
    public async Task Branch_without_parent_on_a_non_empty_thread_is_allowed()
    {
        var thread = NewThread();
        await PutAsync(Record(thread));

        await PutAsync(Record(thread, source: CheckpointSource.Update), PutMode.Branch);

        Assert.Equal(2, (await ListIdsAsync(new CheckpointFilter { ThreadId = thread })).Count);
    }

    [Fact]
    public async Task Continue_after_a_branch_sibling_conflicts()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        await PutAsync(Record(thread, parentId: parent.Id, step: 1), PutMode.Branch);

        await Assert.ThrowsAsync<CheckpointConflictException>(() => Saver.PutAsync(Record(thread, parentId: parent.Id, step: 1), [], PutMode.Continue));
    }

    [Fact]
    public async Task Conflicting_put_stores_none_of_its_chunks()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        await PutAsync(Record(thread, parentId: parent.Id, step: 1));
        var blob = Guid.NewGuid();

        await Assert.ThrowsAsync<CheckpointConflictException>(() =>
            Saver.PutAsync(Record(thread, parentId: parent.Id, step: 1, channels: Map("b", Blob(blob))), [Chunk(blob, 0, "lost")], PutMode.Continue));

        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)]));
    }

    [Fact]
    public async Task Conflicting_put_keeps_the_parents_writes()
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        await PutAsync(Record(thread, parentId: parent.Id, step: 1), PutMode.Branch);
        await Saver.PutWritesAsync(thread, "", parent.Id, [Write("t", 0, "c", "kept")]);

        await Assert.ThrowsAsync<CheckpointConflictException>(() => Saver.PutAsync(Record(thread, parentId: parent.Id, step: 1), [], PutMode.Continue));

        Assert.Equal(["kept"], (await Saver.GetAsync(thread, "", parent.Id))!.PendingWrites.Select(WriteValue));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task Racing_continue_puts_on_the_same_parent_have_exactly_one_winner(int racers)
    {
        var thread = NewThread();
        var parent = await PutAsync(Record(thread));
        using var start = new ManualResetEventSlim();
        var candidates = Enumerable.Range(0, racers).Select(i => Record(thread, parentId: parent.Id, step: 1, metadata: Map("racer", $"{i}"))).ToList();

        var outcomes = await RaceAsync(candidates, start);

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.Equal(racers - 1, outcomes.Count(o => o is CheckpointConflictException));
        var winner = candidates[outcomes.FindIndex(o => o is null)];
        Assert.Equal([winner.Id, parent.Id], await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }

    [Fact]
    public async Task Racing_first_checkpoints_of_a_thread_have_exactly_one_winner()
    {
        var thread = NewThread();
        using var start = new ManualResetEventSlim();
        var candidates = Enumerable.Range(0, 6).Select(_ => Record(thread)).ToList();

        var outcomes = await RaceAsync(candidates, start);

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<CheckpointConflictException>(o));
        Assert.Single(await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }

    [Fact]
    public async Task Concurrent_puts_on_different_threads_all_succeed()
    {
        var threads = Enumerable.Range(0, 8).Select(_ => NewThread()).ToList();

        await Task.WhenAll(threads.Select(thread => Task.Run(() => PutChainAsync(thread, 5))));

        foreach (var thread in threads)
        {
            Assert.Equal(5, (await ListIdsAsync(new CheckpointFilter { ThreadId = thread })).Count);
        }
    }

    [Fact]
    public async Task Concurrent_put_writes_of_many_tasks_are_all_kept()
    {
        var thread = NewThread();
        var record = await PutAsync(Record(thread));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            Saver.PutWritesAsync(thread, "", record.Id, [Write($"task-{i:D2}", 0, "c", $"v{i}"), Write($"task-{i:D2}", 1, "d", $"w{i}")]))));

        var writes = (await Saver.GetAsync(thread, "", record.Id))!.PendingWrites;
        Assert.Equal(32, writes.Count);
        Assert.Equal(Enumerable.Range(0, 16).SelectMany(i => new[] { $"v{i}", $"w{i}" }), writes.Select(WriteValue));
    }

    /// <summary>Starts one Continue put per candidate at once; null marks success, otherwise the exception.</summary>
    private async Task<List<Exception?>> RaceAsync(List<CheckpointRecord> candidates, ManualResetEventSlim start)
    {
        var tasks = candidates.Select(candidate => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Saver.PutAsync(candidate, [], PutMode.Continue);
                return (Exception?)null;
            }
            catch (CheckpointConflictException ex)
            {
                return ex;
            }
        })).ToList();
        start.Set();
        return [.. await Task.WhenAll(tasks)];
    }
}
