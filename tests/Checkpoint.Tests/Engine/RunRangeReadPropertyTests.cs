using Checkpoint.Serialization;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Engine;

/// <summary>
/// The engine's read path (saver range reads, per-read and shared chunk caches, slicing) given runs that
/// start past item 0 and chunks of any size, including a block stored beside the small chunks it covers
/// (as an idempotent re-put after a repack leaves them): every read returns exactly the run's items,
/// cold and warm, and a later read of a wider range of the same blob is not served a narrower cache entry.
/// </summary>
public sealed class RunRangeReadPropertyTests
{
    [Property(MaxTest = 200)]
    public void A_run_reads_exactly_its_items_whatever_the_chunking(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var count = random.Next(1, 40);
        var items = Enumerable.Range(0, count).Select(i => $"item-{i}").ToArray();
        var blob = Guid.CreateVersion7();
        var chunks = Chunking(random, items, blob);
        var start = random.Next(0, count);
        var end = random.Next(start + 1, count + 1);

        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<LogState>().AddNode("n", _ => new Update<LogState>()).AddEdge(Graph.Start, "n").AddEdge("n", Graph.End).Compile(saver);
        var thread = $"t{seed.Get}";
        var narrow = Put(saver, thread, null, new BlobRun(blob, end) { Start = start }, chunks);
        var wide = Put(saver, thread, narrow, new BlobRun(blob, count), []);

        Assert.Equal(items[start..end], Read(graph, narrow));
        Assert.Equal(items[start..end], Read(graph, narrow)); // warm
        Assert.Equal(items, Read(graph, wide));
        Assert.Equal(items[start..end], Read(graph, narrow));
    }

    /// <summary>Random chunk boundaries, and sometimes a block over several chunks stored beside them.</summary>
    private static List<BlobChunk> Chunking(Random random, string[] items, Guid blob)
    {
        var starts = new List<int> { 0 };
        for (var i = 1; i < items.Length; i++)
        {
            if (random.Next(3) == 0)
            {
                starts.Add(i);
            }
        }

        var chunks = starts.Select((s, i) => Chunk(blob, s, items[s..(i + 1 < starts.Count ? starts[i + 1] : items.Length)])).ToList();
        if (starts.Count > 2 && random.Next(2) == 0)
        {
            var first = random.Next(0, starts.Count - 1);
            var last = random.Next(first + 1, starts.Count);
            var blockEnd = last + 1 < starts.Count ? starts[last + 1] : items.Length;
            chunks[first] = Chunk(blob, starts[first], items[starts[first]..blockEnd]);
        }

        return chunks;
    }

    private static BlobChunk Chunk(Guid blob, int sequence, string[] items) =>
        new(blob, sequence, CheckpointSerializer.Default.Serialize(items));

    private static Guid Put(InMemoryCheckpointSaver saver, string thread, Guid? parent, BlobRun run, List<BlobChunk> chunks)
    {
        var record = new CheckpointRecord
        {
            Id = CheckpointIds.NewId(),
            ThreadId = thread,
            ParentId = parent,
            Channels = new Dictionary<string, ChannelValueRef>
            {
                ["Log"] = new() { Version = 1, Layout = ChannelLayout.Chunks, Runs = [run] },
            },
        };
        saver.PutAsync(record, chunks, PutMode.Continue).GetAwaiter().GetResult();
        return record.Id;
    }

    private static string[] Read(CompiledGraph<LogState> graph, Guid id) => [.. graph.GetStateAsync(id).GetAwaiter().GetResult()!.Values.Log];
}
