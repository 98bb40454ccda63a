using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Chunked_list_across_several_checkpoints_reads_each_version()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Map("messages", Chunked(1, new BlobRun(blob, 2)))),
            PutMode.Continue, Chunk(blob, 0, "m0", "m1"));
        var second = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("messages", Chunked(2, new BlobRun(blob, 3)))),
            PutMode.Continue, Chunk(blob, 2, "m2"));
        var third = await PutAsync(Record(thread, parentId: second.Id, step: 2, channels: Map("messages", Chunked(3, new BlobRun(blob, 5)))),
            PutMode.Continue, Chunk(blob, 3, "m3", "m4"));

        async Task<string[]> ReadAsync(Guid id)
        {
            var record = (await Saver.GetAsync(thread, "", id))!.Checkpoint;
            return Items(await Saver.ReadChunksAsync(thread, "", record.Channels["messages"].Runs));
        }

        Assert.Equal(["m0", "m1"], await ReadAsync(first.Id));
        Assert.Equal(["m0", "m1", "m2"], await ReadAsync(second.Id));
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], await ReadAsync(third.Id));
    }

    [Fact]
    public async Task Forked_run_reads_shared_prefix_then_its_own_chunks()
    {
        var thread = NewThread();
        var main = Guid.NewGuid();
        var fork = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Map("messages", Chunked(1, new BlobRun(main, 2)))),
            PutMode.Continue, Chunk(main, 0, "a", "b"));
        var mainNext = await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("messages", Chunked(2, new BlobRun(main, 3)))),
            PutMode.Continue, Chunk(main, 2, "main-c"));
        var forked = await PutAsync(
            Record(thread, parentId: first.Id, step: 1, source: CheckpointSource.Fork,
                channels: Map("messages", Chunked(2, new BlobRun(main, 2), new BlobRun(fork, 4)))),
            PutMode.Branch, Chunk(fork, 2, "fork-c", "fork-d"));

        var mainRecord = (await Saver.GetAsync(thread, "", mainNext.Id))!.Checkpoint;
        var forkRecord = (await Saver.GetAsync(thread, "", forked.Id))!.Checkpoint;
        var forkChunks = await Saver.ReadChunksAsync(thread, "", forkRecord.Channels["messages"].Runs);

        Assert.Equal(["a", "b", "main-c"], Items(await Saver.ReadChunksAsync(thread, "", mainRecord.Channels["messages"].Runs)));
        Assert.Equal(["a", "b", "fork-c", "fork-d"], Items(forkChunks));
        Assert.Equal([(main, 0), (fork, 2)], forkChunks.Select(c => (c.BlobId, c.Sequence)));
    }

    [Fact]
    public async Task Read_chunks_returns_only_chunks_below_the_run_end()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, 10)))), PutMode.Continue,
            Chunk(blob, 0, "0"), Chunk(blob, 1, "1"), Chunk(blob, 2, "2"), Chunk(blob, 5, "5"), Chunk(blob, 9, "9"));

        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 0)]));
        Assert.Equal(["0"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)])));
        Assert.Equal(["0", "1", "2"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 5)])));
        Assert.Equal(["0", "1", "2", "5"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 6)])));
        Assert.Equal(["0", "1", "2", "5", "9"], Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 10)])));
    }

    [Fact]
    public async Task Read_chunks_returns_runs_in_run_order_and_chunks_in_sequence_order()
    {
        var thread = NewThread();
        var (x, y) = (Guid.NewGuid(), Guid.NewGuid());
        await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(y, 3), new BlobRun(x, 3)))), PutMode.Continue,
            Chunk(x, 2, "x2"), Chunk(y, 1, "y1"), Chunk(x, 0, "x0"), Chunk(y, 0, "y0"), Chunk(x, 1, "x1"));

        var chunks = await Saver.ReadChunksAsync(thread, "", [new BlobRun(y, 3), new BlobRun(x, 3)]);

        Assert.Equal(["y0", "y1", "x0", "x1", "x2"], Items(chunks));
        Assert.Equal([0, 1, 0, 1, 2], chunks.Select(c => c.Sequence));
    }

    [Fact]
    public async Task Put_chunk_is_insert_if_absent()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var first = await PutAsync(Record(thread, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "original"));
        await PutAsync(Record(thread, parentId: first.Id, step: 1, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "replacement"));

        var chunks = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)]);

        Assert.Single(chunks);
        Assert.Equal(["original"], Items(chunks));
    }

    [Fact]
    public async Task Read_chunks_of_unknown_blob_or_empty_runs_is_empty()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        await PutAsync(Record(thread, channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "x"));

        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(Guid.NewGuid(), 100)]));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", []));
        Assert.Empty(await Saver.ReadChunksAsync(NewThread(), "", [new BlobRun(blob, 1)]));
    }

    [Fact]
    public async Task Chunks_belong_to_their_thread_and_namespace()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        await PutAsync(Record(thread, "sub", channels: Map("b", Blob(blob))), PutMode.Continue, Chunk(blob, 0, "sub-value"));

        Assert.Equal(["sub-value"], Items(await Saver.ReadChunksAsync(thread, "sub", [new BlobRun(blob, 1)])));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)]));
        Assert.Empty(await Saver.ReadChunksAsync(NewThread(), "sub", [new BlobRun(blob, 1)]));
    }

    [Fact]
    public async Task Read_chunks_returns_the_stored_bytes_exactly()
    {
        var thread = NewThread();
        var blob = Guid.NewGuid();
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray();
        await PutAsync(Record(thread, channels: Map("b", Blob(blob))), PutMode.Continue, new BlobChunk(blob, 0, data));

        var chunk = Assert.Single(await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, 1)]));

        Assert.Equal(blob, chunk.BlobId);
        Assert.Equal(0, chunk.Sequence);
        Assert.Equal(data, chunk.Data);
    }
}
