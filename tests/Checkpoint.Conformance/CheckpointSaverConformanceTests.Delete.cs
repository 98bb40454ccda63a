using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Delete_thread_removes_checkpoints_chunks_and_writes_in_every_namespace()
    {
        var thread = NewThread();
        var (rootBlob, subBlob) = (Guid.NewGuid(), Guid.NewGuid());
        var root = await PutAsync(Record(thread, channels: Map("b", Blob(rootBlob))), PutMode.Continue, Chunk(rootBlob, 0, "root"));
        var sub = await PutAsync(Record(thread, "sub", channels: Map("b", Blob(subBlob))), PutMode.Continue, Chunk(subBlob, 0, "sub"));
        await Saver.PutWritesAsync(thread, "", root.Id, [Write("t", 0, "c", "w")]);
        await Saver.PutWritesAsync(thread, "sub", sub.Id, [Write("t", 0, "c", "w")]);

        await Saver.DeleteThreadAsync(thread);

        Assert.Null(await Saver.GetAsync(thread, "", null));
        Assert.Null(await Saver.GetAsync(thread, "sub", null));
        Assert.Null(await Saver.GetByIdAsync(root.Id));
        Assert.Null(await Saver.GetByIdAsync(sub.Id));
        Assert.Empty(await ListAllAsync(new CheckpointFilter { ThreadId = thread }));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(rootBlob, 1)]));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "sub", [new BlobRun(subBlob, 1)]));
    }

    [Fact]
    public async Task Delete_thread_keeps_other_threads()
    {
        var (doomed, kept) = (NewThread(), NewThread());
        var blob = Guid.NewGuid();
        await PutChainAsync(doomed, 3);
        var keptRecord = await PutAsync(Record(kept, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "kept"));
        await Saver.PutWritesAsync(kept, "", keptRecord.Id, [Write("t", 0, "c", "w")]);

        await Saver.DeleteThreadAsync(doomed);

        var read = await Saver.GetAsync(kept, "", null);
        AssertSameRecord(keptRecord, read!.Checkpoint);
        Assert.Equal(["w"], read.PendingWrites.Select(WriteValue));
        Assert.Equal(["kept"], Items(await Saver.ReadChunksAsync(kept, "", [new BlobRun(blob, 1)])));
        Assert.Equal([keptRecord.Id], await ListIdsAsync(new CheckpointFilter()));
    }

    [Fact]
    public async Task Delete_of_a_missing_thread_is_a_no_op()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 2);

        await Saver.DeleteThreadAsync(NewThread());

        Assert.Equal(NewestFirst(chain), await ListIdsAsync(new CheckpointFilter()));
    }

    [Fact]
    public async Task A_deleted_thread_can_start_again()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 2);
        await Saver.DeleteThreadAsync(thread);

        var fresh = await PutAsync(Record(thread));

        Assert.Equal([fresh.Id], await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }
}
