using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Engine;

/// <summary>The graphs and comparisons of the block and repack cases.</summary>
public static class BlockGraphs
{
    /// <summary>Appends (step mod 3) + 1 items and one box per step until <paramref name="steps"/>.</summary>
    public static CompiledGraph<BlockState> Loop(CheckpointSaver saver, int steps) =>
        new StateGraph<BlockState>()
            .AddNode("step", s => new Update<BlockState>()
                .Set(x => x.Items, [.. Enumerable.Range(0, (s.Step % 3) + 1).Select(k => $"item {s.Step}.{k}")])
                .Set(x => x.Boxes, [new Holder([$"box {s.Step}"])])
                .Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Step >= steps ? Graph.End : "step")
            .Compile(saver);

    /// <summary>A run config on <paramref name="thread"/> that lets many steps run.</summary>
    public static RunConfig Run(string thread) => RunConfig.ForThread(thread) with { RecursionLimit = 10_000 };

    /// <summary>Runs the loop on <paramref name="thread"/> from where it is to <paramref name="steps"/>.</summary>
    public static Task RunToAsync(CheckpointSaver saver, string thread, int steps) =>
        Loop(saver, steps).InvokeAsync(new BlockState(), Run(thread));

    /// <summary>Every checkpoint of the thread (newest first) as its items, boxes and step, read through a history listing.</summary>
    public static async Task<List<(Guid Id, string Text)>> HistoryAsync(CheckpointSaver saver, string thread)
    {
        var history = new List<(Guid, string)>();
        await foreach (var snapshot in Loop(saver, 1).GetStateHistoryAsync(Run(thread)))
        {
            history.Add((snapshot.Config.CheckpointId!.Value, Text(snapshot.Values)));
        }

        return history;
    }

    /// <summary>Every checkpoint of the thread read on its own by id (one cold or warm snapshot read each).</summary>
    public static async Task<List<string>> ByIdAsync(CheckpointSaver saver, IEnumerable<Guid> ids)
    {
        var graph = Loop(saver, 1);
        var values = new List<string>();
        foreach (var id in ids)
        {
            values.Add(Text((await graph.GetStateAsync(id))!.Values));
        }

        return values;
    }

    /// <summary>The latest state of the thread.</summary>
    public static async Task<BlockState> LatestAsync(CheckpointSaver saver, string thread) =>
        (await Loop(saver, 1).GetStateAsync(Run(thread)))!.Values;

    /// <summary>Asserts the state is the loop's after <paramref name="steps"/> steps.</summary>
    public static void AssertAt(BlockState state, int steps)
    {
        Assert.Equal(steps, state.Step);
        Assert.Equal(BlockState.ExpectedItems(steps), state.Items);
        Assert.Equal(Enumerable.Range(0, steps).Select(i => $"box {i}"), state.Boxes.Select(b => Assert.Single(b.Items)));
    }

    /// <summary>How many chunks the latest checkpoint's item list is read from.</summary>
    public static async Task<int> ItemChunksAsync(CheckpointSaver saver, string thread) =>
        (await LatestItemChunksAsync(saver, thread)).Count;

    /// <summary>The compression codec of each chunk the latest checkpoint's item list is read from (encryption left out).</summary>
    public static async Task<List<EnvelopeCodecs>> ItemCodecsAsync(CheckpointSaver saver, string thread) =>
        [.. (await LatestItemChunksAsync(saver, thread)).Select(chunk => (EnvelopeCodecs)chunk.Data[3] & ~EnvelopeCodecs.AesGcm)];

    /// <summary>The sequence of each chunk the latest checkpoint's box list is read from (one box per step).</summary>
    public static async Task<List<int>> BoxChunkSequencesAsync(CheckpointSaver saver, string thread) =>
        [.. (await LatestChunksAsync(saver, thread, nameof(BlockState.Boxes))).Select(chunk => chunk.Sequence)];

    private static Task<IReadOnlyList<BlobChunk>> LatestItemChunksAsync(CheckpointSaver saver, string thread) =>
        LatestChunksAsync(saver, thread, nameof(BlockState.Items));

    /// <summary>The chunks the latest checkpoint's list in <paramref name="channel"/> is read from (none when the thread has no checkpoint).</summary>
    private static async Task<IReadOnlyList<BlobChunk>> LatestChunksAsync(CheckpointSaver saver, string thread, string channel)
    {
        await foreach (var (record, _) in saver.ListAsync(new CheckpointFilter { ThreadId = thread, Limit = 1 }))
        {
            return await saver.ReadChunksAsync(thread, "", record.Channels[channel].Runs);
        }

        return [];
    }

    /// <summary>A comparable text of a state.</summary>
    public static string Text(BlockState state) =>
        $"{state.Step}|{string.Join(",", state.Items)}|{string.Join(",", state.Boxes.Select(b => string.Join("+", b.Items)))}";
}
