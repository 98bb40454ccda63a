using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    /// <summary>A thread with a chunked channel over three checkpoints, a sub namespace and writes.</summary>
    private async Task<(List<CheckpointRecord> Root, CheckpointRecord Sub, Guid Blob)> PutCopySourceAsync(string thread)
    {
        var blob = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, 1))), metadata: Map("n", "0")),
            PutMode.Continue, Chunk(blob, 0, "a"));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("l", Chunked(2, new BlobRun(blob, 2))), metadata: Map("n", "1")),
            PutMode.Continue, Chunk(blob, 1, "b"));
        var third = await PutAsync(Record(thread, parentId: second.Id, step: 2, channels: Map("l", Chunked(3, new BlobRun(blob, 3))), metadata: Map("n", "2")),
            PutMode.Continue, Chunk(blob, 2, "c"));
        var sub = await PutAsync(Record(thread, "sub", channels: Map("v", Inline("sub"))));
        await Saver.PutWritesAsync(thread, "", third.Id, [Write("t", 0, "c", "pending")]);
        return ([first, second, third], sub, blob);
    }

    [Fact]
    public async Task Copy_thread_gives_new_ids_in_the_same_order_with_parents_remapped()
    {
        var (source, target) = (NewThread(), NewThread());
        var (root, _, _) = await PutCopySourceAsync(source);

        await Saver.CopyThreadAsync(source, target);

        var copies = await ListAllAsync(new CheckpointFilter { ThreadId = target, Namespace = "" });
        Assert.Equal(3, copies.Count);
        var oldest = copies.Select(t => t.Checkpoint).Reverse().ToList();
        Assert.DoesNotContain(oldest, c => root.Any(r => r.Id == c.Id));
        Assert.Equal(["0", "1", "2"], oldest.Select(c => c.Metadata["n"]));
        Assert.Null(oldest[0].ParentId);
        Assert.Equal(oldest[0].Id, oldest[1].ParentId);
        Assert.Equal(oldest[1].Id, oldest[2].ParentId);
        Assert.All(oldest, c => Assert.Equal(target, c.ThreadId));
        foreach (var copy in oldest)
        {
            Assert.Equal(target, (await Saver.GetByIdAsync(copy.Id))!.Checkpoint.ThreadId);
        }
    }

    [Fact]
    public async Task Copy_thread_keeps_each_checkpoints_creation_time()
    {
        var (source, target) = (NewThread(), NewThread());
        var (root, _, _) = await PutCopySourceAsync(source);
        var originals = (await ListAllAsync(new CheckpointFilter { ThreadId = source, Namespace = "" })).Select(t => t.Checkpoint.CreatedAt).ToList();

        await Saver.CopyThreadAsync(source, target);

        var copies = await ListAllAsync(new CheckpointFilter { ThreadId = target, Namespace = "" });
        Assert.Equal(originals, copies.Select(t => t.Checkpoint.CreatedAt));
        Assert.Equal(root.Select(r => r.CreatedAt).Reverse(), copies.Select(t => t.Checkpoint.CreatedAt));
    }

    [Fact]
    public async Task Copy_thread_copies_values_chunks_writes_and_namespaces()
    {
        var (source, target) = (NewThread(), NewThread());
        var (root, sub, blob) = await PutCopySourceAsync(source);

        await Saver.CopyThreadAsync(source, target);

        var latest = await Saver.GetAsync(target, "", null);
        Assert.Equal(root[2].Step, latest!.Checkpoint.Step);
        AssertSameChannels(root[2].Channels, latest.Checkpoint.Channels);
        Assert.Equal(["a", "b", "c"], Items(await Saver.ReadChunksAsync(target, "", latest.Checkpoint.Channels["l"].Runs)));
        Assert.Equal(["pending"], latest.PendingWrites.Select(WriteValue));
        var subCopy = await Saver.GetAsync(target, "sub", null);
        Assert.NotEqual(sub.Id, subCopy!.Checkpoint.Id);
        Assert.Equal("sub", Value<string>(subCopy.Checkpoint, "v"));
        Assert.Equal(["a", "b"], Items(await Saver.ReadChunksAsync(target, "", [new BlobRun(blob, 2)])));
    }

    [Fact]
    public async Task Copy_thread_leaves_the_source_untouched()
    {
        var (source, target) = (NewThread(), NewThread());
        var (root, sub, blob) = await PutCopySourceAsync(source);

        await Saver.CopyThreadAsync(source, target);
        await Saver.DeleteThreadAsync(target);

        Assert.Equal(NewestFirst(root.Append(sub)), await ListIdsAsync(new CheckpointFilter { ThreadId = source }));
        var latest = await Saver.GetAsync(source, "", null);
        AssertSameRecord(root[2], latest!.Checkpoint);
        Assert.Equal(["pending"], latest.PendingWrites.Select(WriteValue));
        Assert.Equal(["a", "b", "c"], Items(await Saver.ReadChunksAsync(source, "", [new BlobRun(blob, 3)])));
    }

    [Fact]
    public async Task Copy_thread_ids_are_newer_than_the_originals()
    {
        var (source, target) = (NewThread(), NewThread());
        var chain = await PutChainAsync(source, 3);

        await Saver.CopyThreadAsync(source, target);

        var all = await ListAllAsync(new CheckpointFilter());
        Assert.Equal(6, all.Count);
        Assert.All(all.Take(3), t => Assert.Equal(target, t.Checkpoint.ThreadId));
        Assert.Equal(NewestFirst(chain), all.Skip(3).Select(t => t.Checkpoint.Id));
    }

    [Fact]
    public async Task Copy_thread_into_a_non_empty_thread_throws()
    {
        var (source, target) = (NewThread(), NewThread());
        await PutChainAsync(source, 2);
        var existing = await PutChainAsync(target, 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Saver.CopyThreadAsync(source, target));
        Assert.Equal([existing[0].Id], await ListIdsAsync(new CheckpointFilter { ThreadId = target }));
    }

    [Fact]
    public async Task Copy_of_a_missing_thread_throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Saver.CopyThreadAsync(NewThread(), NewThread()));
    }

    [Fact]
    public async Task A_copied_thread_can_be_continued_independently()
    {
        var (source, target) = (NewThread(), NewThread());
        var chain = await PutChainAsync(source, 2);
        await Saver.CopyThreadAsync(source, target);
        var copyLatest = (await Saver.GetAsync(target, "", null))!.Checkpoint;

        await PutAsync(Record(target, parentId: copyLatest.Id, step: 1));
        await PutAsync(Record(source, parentId: chain[1].Id, step: 1));

        Assert.Equal(3, (await ListIdsAsync(new CheckpointFilter { ThreadId = source })).Count);
        Assert.Equal(3, (await ListIdsAsync(new CheckpointFilter { ThreadId = target })).Count);
    }
}
