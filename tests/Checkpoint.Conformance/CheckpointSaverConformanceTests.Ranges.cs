using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>Runs that start past item 0 (a compaction's kept tail) and chunks holding many items (blocks).</summary>
public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Read_chunks_of_a_run_starting_past_zero_begins_at_the_chunk_holding_its_first_item()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, 10)))), PutMode.Continue,
            Chunk(blob, 0, "0", "1"), Chunk(blob, 2, "2", "3", "4"), Chunk(blob, 5, "5"), Chunk(blob, 6, "6", "7", "8", "9"));

        async Task<int[]> SequencesAsync(int start, int end) =>
            [.. (await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, end) { Start = start }])).Select(c => c.Sequence)];

        Assert.Equal(new[] { 2, 5, 6 }, await SequencesAsync(3, 8));
        Assert.Equal(new[] { 2, 5, 6 }, await SequencesAsync(2, 10));
        Assert.Equal(new[] { 5 }, await SequencesAsync(5, 6));
        Assert.Equal(new[] { 6 }, await SequencesAsync(9, 10));
        Assert.Equal(new[] { 0, 2 }, await SequencesAsync(1, 3));
    }

    [Fact]
    public async Task A_run_start_round_trips_through_get_and_list()
    {
        var thread = NewThread();
        var (head, tail) = (Guid.NewGuid(), Guid.NewGuid());
        var record = await PutAsync(
            Record(thread, channels: Map("l", Chunked(1, new BlobRun(head, 1), new BlobRun(tail, 40) { Start = 37 }))), PutMode.Continue,
            Chunk(head, 0, "summary"));

        var got = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;
        var listed = (await ListAllAsync(new CheckpointFilter { ThreadId = thread })).Single().Checkpoint;

        Assert.Equal([new BlobRun(head, 1), new BlobRun(tail, 40) { Start = 37 }], got.Channels["l"].Runs);
        Assert.Equal(got.Channels["l"].Runs, listed.Channels["l"].Runs);
    }

    [Fact]
    public async Task Prune_collects_the_chunks_wholly_before_the_lowest_kept_start()
    {
        var thread = NewThread();
        var (blob, summary) = (Guid.NewGuid(), Guid.NewGuid());
        var full = await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, 8)))), PutMode.Continue,
            Chunk(blob, 0, "0", "1"), Chunk(blob, 2, "2", "3", "4"), Chunk(blob, 5, "5"), Chunk(blob, 6, "6", "7"));
        var compacted = await PutAsync(
            Record(thread, parentId: full.Id, step: 1, source: CheckpointSource.Compact,
                channels: Map("l", Chunked(2, new BlobRun(summary, 1), new BlobRun(blob, 10) { Start = 5 }))),
            PutMode.Continue, Chunk(summary, 0, "s"), Chunk(blob, 8, "8", "9"));

        Assert.Equal(1, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1)));

        var left = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 10)]);
        Assert.Equal([5, 6, 8], left.Select(c => c.Sequence));
        var runs = (await Saver.GetAsync(thread, "", compacted.Id))!.Checkpoint.Channels["l"].Runs;
        Assert.Equal(["s", "5", "6", "7", "8", "9"], Items(await Saver.ReadChunksAsync(thread, "", runs)));
    }

    [Fact]
    public async Task Prune_keeps_the_chunk_holding_a_kept_start_inside_it()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var full = await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, 6)))), PutMode.Continue,
            Chunk(blob, 0, "0", "1", "2"), Chunk(blob, 3, "3", "4", "5"));
        await PutAsync(Record(thread, parentId: full.Id, step: 1, channels: Map("l", Chunked(2, new BlobRun(blob, 6) { Start = 4 }))), PutMode.Continue);

        await Saver.PruneAsync(thread, RetentionPolicy.Latest(1));

        Assert.Equal([3], (await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 6)])).Select(c => c.Sequence));
    }
}
