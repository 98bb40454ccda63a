using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task A_block_in_a_put_replaces_the_small_chunks_of_its_range_and_only_those()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var other = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Two(Chunked(1, new BlobRun(blob, 2)), Chunked(1, new BlobRun(other, 2)))),
            PutMode.Continue, Chunk(blob, 0, "m0", "m1"), Chunk(other, 0, "o0"), Chunk(other, 1, "o1"));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Two(Chunked(2, new BlobRun(blob, 3)), Chunked(1, new BlobRun(other, 2)))),
            PutMode.Continue, Chunk(blob, 2, "m2"));
        var third = await PutAsync(Record(thread, parentId: second.Id, step: 2, channels: Two(Chunked(3, new BlobRun(blob, 5)), Chunked(1, new BlobRun(other, 2)))),
            PutMode.Continue, Chunk(blob, 3, "m3", "m4"));
        var block = Chunk(blob, 0, "m0", "m1", "m2", "m3", "m4", "m5") with { ReplacesUntil = 6 };
        var fourth = await PutAsync(Record(thread, parentId: third.Id, step: 3, channels: Two(Chunked(4, new BlobRun(blob, 6)), Chunked(1, new BlobRun(other, 2)))),
            PutMode.Continue, block);

        var all = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 6), new BlobRun(other, 2)]);
        Assert.Equal([(blob, 0), (other, 0), (other, 1)], all.Select(c => (c.BlobId, c.Sequence)));
        Assert.Equal(block.Data, all[0].Data);

        // Every checkpoint still finds its items: the block holds them all (readers take the run's part).
        foreach (var (id, end) in new[] { (first.Id, 2), (second.Id, 3), (third.Id, 5), (fourth.Id, 6) })
        {
            var record = (await Saver.GetAsync(thread, "", id))!.Checkpoint;
            var chunks = await Saver.ReadChunksAsync(thread, "", record.Channels["messages"].Runs);
            Assert.Equal(["m0", "m1", "m2", "m3", "m4", "m5"], Items(chunks));
            Assert.Equal(end, record.Channels["messages"].Runs[0].End);
        }
    }

    private static Dictionary<string, ChannelValueRef> Two(ChannelValueRef messages, ChannelValueRef other) =>
        new() { ["messages"] = messages, ["other"] = other };

    [Fact]
    public async Task A_block_of_a_later_range_keeps_the_chunk_that_holds_its_first_item()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Map("messages", Chunked(1, new BlobRun(blob, 3)))),
            PutMode.Continue, Chunk(blob, 0, "m0", "m1", "m2"));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("messages", Chunked(2, new BlobRun(blob, 4)))),
            PutMode.Continue, Chunk(blob, 3, "m3"));

        // A block from item 2 (inside the first chunk) to 5: the first chunk stays, the one at 3 goes.
        await PutAsync(Record(thread, parentId: second.Id, step: 2, channels: Map("messages", Chunked(3, new BlobRun(blob, 5)))),
            PutMode.Continue, Chunk(blob, 2, "m2", "m3", "m4") with { ReplacesUntil = 5 });

        var chunks = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 5)]);
        Assert.Equal([0, 2], chunks.Select(c => c.Sequence));
    }

    [Fact]
    public async Task Put_refuses_a_block_whose_end_is_not_past_its_sequence()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var record = Record(thread, channels: Map("messages", Chunked(1, new BlobRun(blob, 2))));
        _ = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Saver.PutAsync(record, [Chunk(blob, 2, "a") with { ReplacesUntil = 2 }], PutMode.Continue));
        Assert.Null(await Saver.GetAsync(thread, "", record.Id));
    }
}
