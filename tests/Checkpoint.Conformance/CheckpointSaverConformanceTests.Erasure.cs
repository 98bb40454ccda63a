using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>Erasing a subject's threads: every namespace, chunk and write of them goes; other threads stay.</summary>
public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Erasing_a_subject_deletes_every_thread_that_names_it_and_leaves_the_others()
    {
        var ana = new Dictionary<string, string> { ["subject"] = "ana" };
        var (first, second, other, none) = (NewThread(), NewThread(), NewThread(), NewThread());
        var blob = Guid.NewGuid();
        var root = await PutAsync(Record(first, metadata: ana, channels: Map("l", Chunked(1, new BlobRun(blob, 1)))), PutMode.Continue, Chunk(blob, 0, "ana's words"));
        await PutAsync(Record(first, parentId: root.Id, step: 1, metadata: ana), PutMode.Continue);
        await Saver.PutWritesAsync(first, "", root.Id, [new PendingWrite("task", "node", 0, "l", [1, 2])]);
        await PutAsync(Record(first, checkpointNamespace: "child", metadata: ana), PutMode.Continue);
        await PutAsync(Record(second, metadata: ana), PutMode.Continue);
        await PutAsync(Record(other, metadata: new Dictionary<string, string> { ["subject"] = "bo" }), PutMode.Continue);
        await PutAsync(Record(none), PutMode.Continue);

        var receipt = await Saver.EraseSubjectAsync("ana");

        Assert.Equal(("ana", 2, 4), (receipt.SubjectId, receipt.Threads, receipt.Checkpoints));
        Assert.Null(await Saver.GetAsync(first, "", null));
        Assert.Null(await Saver.GetAsync(first, "child", null));
        Assert.Null(await Saver.GetAsync(second, "", null));
        Assert.Empty(await Saver.ReadChunksAsync(first, "", [new BlobRun(blob, 1)]));
        Assert.NotNull(await Saver.GetAsync(other, "", null));
        Assert.NotNull(await Saver.GetAsync(none, "", null));
        Assert.Equal((0, 0), ((await Saver.EraseSubjectAsync("ana")).Threads, (await Saver.EraseSubjectAsync("ana")).Checkpoints));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Saver.EraseSubjectAsync(""));
    }
}
