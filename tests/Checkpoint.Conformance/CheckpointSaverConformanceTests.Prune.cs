using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Prune_keeps_the_latest_n_per_namespace_and_returns_the_count()
    {
        var thread = NewThread();
        var root = await PutChainAsync(thread, 5);
        var sub = await PutChainAsync(thread, 3, "sub");
        var tiny = await PutChainAsync(thread, 1, "tiny");

        var deleted = await Saver.PruneAsync(thread, RetentionPolicy.Latest(2));

        Assert.Equal(3 + 1, deleted);
        Assert.Equal(NewestFirst(root.TakeLast(2)), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "" }));
        Assert.Equal(NewestFirst(sub.TakeLast(2)), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "sub" }));
        Assert.Equal([tiny[0].Id], await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "tiny" }));
    }

    [Fact]
    public async Task Pruned_checkpoints_and_their_writes_are_gone()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 4);
        await Saver.PutWritesAsync(thread, "", chain[0].Id, [Write("t", 0, "c", "old")]);
        await Saver.PutWritesAsync(thread, "", chain[3].Id, [Write("t", 0, "c", "new")]);

        Assert.Equal(3, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1)));

        foreach (var pruned in chain.Take(3))
        {
            Assert.Null(await Saver.GetByIdAsync(pruned.Id));
            Assert.Null(await Saver.GetAsync(thread, "", pruned.Id));
        }

        var kept = await Saver.GetAsync(thread, "", null);
        AssertSameRecord(chain[3], kept!.Checkpoint);
        Assert.Equal(["new"], kept.PendingWrites.Select(WriteValue));
    }

    [Fact]
    public async Task Prune_keeps_the_chunks_of_kept_checkpoints_and_collects_the_others()
    {
        var thread = NewThread();
        var (list, oldBlob, newBlob) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var first = await PutAsync(
            Record(thread, channels: new Dictionary<string, ChannelValueRef> { ["l"] = Chunked(1, new BlobRun(list, 1)), ["b"] = Blob(oldBlob, 1) }),
            PutMode.Continue, Chunk(list, 0, "a"), Chunk(oldBlob, 0, "old"));
        var second = await PutAsync(
            Record(thread, parentId: first.Id, step: 1, channels: new Dictionary<string, ChannelValueRef> { ["l"] = Chunked(2, new BlobRun(list, 2)), ["b"] = Blob(newBlob, 2) }),
            PutMode.Continue, Chunk(list, 1, "b"), Chunk(newBlob, 0, "new"));

        Assert.Equal(1, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1)));

        var kept = (await Saver.GetAsync(thread, "", null))!.Checkpoint;
        Assert.Equal(second.Id, kept.Id);
        Assert.Equal(["a", "b"], Items(await Saver.ReadChunksAsync(thread, "", kept.Channels["l"].Runs)));
        Assert.Equal(["new"], Items(await Saver.ReadChunksAsync(thread, "", kept.Channels["b"].Runs)));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(oldBlob, 1)]));
    }

    [Fact]
    public async Task Prune_collects_chunks_beyond_the_highest_kept_run_end()
    {
        var thread = NewThread();
        var (main, fork) = (Guid.NewGuid(), Guid.NewGuid());
        var first = await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(main, 1)))), PutMode.Continue, Chunk(main, 0, "a"));
        var mainNext = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("l", Chunked(2, new BlobRun(main, 2)))),
            PutMode.Continue, Chunk(main, 1, "main-b"));
        var forked = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("l", Chunked(2, new BlobRun(main, 1), new BlobRun(fork, 2)))),
            PutMode.Branch, Chunk(fork, 1, "fork-b"));

        Assert.Equal(2, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1)));

        Assert.Null(await Saver.GetByIdAsync(mainNext.Id));
        Assert.Equal(["a", "fork-b"], Items(await Saver.ReadChunksAsync(thread, "", (await Saver.GetAsync(thread, "", forked.Id))!.Checkpoint.Channels["l"].Runs)));
        Assert.Equal(["a"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(main, 2)])));
    }

    [Fact]
    public async Task Prune_keeping_more_than_exist_deletes_nothing()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var chain = await PutChainAsync(thread, 3);
        await PutAsync(Record(thread, parentId: chain[2].Id, step: 2, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "x"));

        Assert.Equal(0, await Saver.PruneAsync(thread, RetentionPolicy.Latest(10)));
        Assert.Equal(4, (await ListIdsAsync(new CheckpointFilter { ThreadId = thread })).Count);
        Assert.Equal(["x"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)])));
    }

    [Fact]
    public async Task Prune_leaves_other_threads_alone()
    {
        var (pruned, other) = (NewThread(), NewThread());
        var blob = Guid.NewGuid();
        await PutChainAsync(pruned, 3);
        var first = await PutAsync(Record(other, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "x"));
        var otherChain = new[] { first, await PutAsync(Record(other, parentId: first.Id, step: 1)) };

        Assert.Equal(2, await Saver.PruneAsync(pruned, RetentionPolicy.Latest(1)));

        Assert.Equal(NewestFirst(otherChain), await ListIdsAsync(new CheckpointFilter { ThreadId = other }));
        Assert.Equal(["x"], Items(await Saver.ReadChunksAsync(other, "", [new BlobRun(blob, 1)])));
    }

    [Fact]
    public async Task Prune_of_a_missing_thread_returns_zero()
    {
        Assert.Equal(0, await Saver.PruneAsync(NewThread(), RetentionPolicy.Latest(1)));
    }

    [Fact]
    public async Task A_pruned_thread_can_be_continued_from_its_latest()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 3);
        await Saver.PruneAsync(thread, RetentionPolicy.Latest(1));

        var next = await PutAsync(Record(thread, parentId: chain[2].Id, step: 2));

        Assert.Equal([next.Id, chain[2].Id], await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }
}
