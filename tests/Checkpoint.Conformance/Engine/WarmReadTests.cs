using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// Snapshot reads through the saver's chunk cache: a read whose chunks were read before returns the
/// values a cold read returns, shares nothing mutable with earlier reads, and never serves chunks a
/// delete, prune or copy replaced, even under the same blob id. Inherited once per saver.
/// </summary>
public abstract class WarmReadTests : IAsyncLifetime
{
    private CheckpointSaver? _saver;

    /// <summary>The saver under test, fresh for each test.</summary>
    protected CheckpointSaver Saver => _saver ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty saver for one test (with its default chunk cache).</summary>
    protected abstract Task<CheckpointSaver> CreateSaverAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _saver = await CreateSaverAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_saver is not null)
        {
            await _saver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Warm_reads_of_every_checkpoint_return_what_cold_reads_returned()
    {
        var graph = Loop(12);
        var run = RunConfig.ForThread("warm");
        await graph.InvokeAsync(new WarmReadState(), run);

        // Newest first, then oldest first, then newest again: every order of cold and warm entries.
        var ids = await IdsAsync(graph, run);
        var cold = new Dictionary<Guid, WarmReadState>();
        foreach (var id in ids)
        {
            cold[id] = (await graph.GetStateAsync(id))!.Values;
        }

        foreach (var id in ids.AsEnumerable().Reverse().Concat(ids))
        {
            AssertSame(cold[id], (await graph.GetStateAsync(id))!.Values);
        }

        await foreach (var snapshot in graph.GetStateHistoryAsync(run))
        {
            AssertSame(cold[snapshot.Config.CheckpointId!.Value], snapshot.Values);
        }

        AssertExpected((await graph.GetStateAsync(run))!.Values, 12);
    }

    [Fact]
    public async Task A_warm_read_after_more_steps_reads_the_new_chunks()
    {
        var run = RunConfig.ForThread("grow");
        await Loop(5).InvokeAsync(new WarmReadState(), run);
        AssertExpected((await Loop(5).GetStateAsync(run))!.Values, 5);

        // A new input on the ended thread runs the loop on from step 5, appending to the same blob.
        await Loop(9).InvokeAsync(new WarmReadState(), run);
        AssertExpected((await Loop(9).GetStateAsync(run))!.Values, 9);
    }

    [Fact]
    public async Task Warm_reads_share_no_mutable_objects()
    {
        var graph = Loop(4);
        var run = RunConfig.ForThread("isolated");
        await graph.InvokeAsync(new WarmReadState(), run);
        var first = (await graph.GetStateAsync(run))!.Values;
        var second = (await graph.GetStateAsync(run))!.Values;

        Assert.NotSame(first.Words, second.Words);
        Assert.NotSame(first.Boxes[0], second.Boxes[0]);
        first.Words.Add("changed");
        first.Words[0] = "changed";
        first.Boxes[0].Items.Add("changed");
        first.Boxes.Clear();

        AssertExpected((await graph.GetStateAsync(run))!.Values, 4);
    }

    [Fact]
    public async Task A_deleted_thread_written_again_under_the_same_blob_ids_reads_the_new_chunks()
    {
        var blob = Guid.CreateVersion7();
        var old = await PutAsync("reused", null, PutMode.Continue, Items(blob, 2), Chunk(blob, 0, "a", "b"));
        Assert.Equal(["a", "b"], await ItemsAsync(old));

        await Saver.DeleteThreadAsync("reused");
        var again = await PutAsync("reused", null, PutMode.Continue, Items(blob, 2), Chunk(blob, 0, "x", "y"));

        Assert.Equal(["x", "y"], await ItemsAsync(again));
        Assert.Equal(["x", "y"], (await Reader().GetStateAsync(RunConfig.ForThread("reused")))!.Values.Items);
    }

    [Fact]
    public async Task A_pruned_chunk_written_again_with_other_content_reads_the_new_content()
    {
        // root -> continued (appends chunk (blob, 1)); a newer branch (no parent) keeps only (blob, 0).
        var blob = Guid.CreateVersion7();
        var forkBlob = Guid.CreateVersion7();
        var root = await PutAsync("pruned", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "a"));
        var continued = await PutAsync("pruned", root, PutMode.Continue, Items(blob, 2), Chunk(blob, 1, "b"));
        Assert.Equal(["a", "b"], await ItemsAsync(continued));
        var fork = await PutAsync("pruned", null, PutMode.Branch, Items(new BlobRun(blob, 1), new BlobRun(forkBlob, 1)), Chunk(forkBlob, 0, "f"));

        Assert.Equal(2, await Saver.PruneAsync("pruned", RetentionPolicy.Latest(1)));

        // A late writer continuing the pruned root stores other content under the collected key (a saver
        // may refuse it as a conflict; then the reads still agree with storage).
        Guid? late = null;
        try
        {
            late = await PutAsync("pruned", root, PutMode.Continue, Items(blob, 2), Chunk(blob, 1, "z"));
        }
        catch (CheckpointConflictException)
        {
        }

        if (late is { } id)
        {
            Assert.Equal(["a", "z"], await ItemsAsync(id));
        }

        Assert.Null(await Reader().GetStateAsync(continued));
        Assert.Equal(["a", "f"], await ItemsAsync(fork));
    }

    [Fact]
    public async Task Threads_and_namespaces_sharing_a_blob_id_read_their_own_chunks()
    {
        var blob = Guid.CreateVersion7();
        var first = await PutAsync("one", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "one"));
        var second = await PutAsync("two", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "two"));
        var inner = await PutAsync("one", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "inner"), "sub");

        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.Equal(["one"], await ItemsAsync(first));
            Assert.Equal(["two"], await ItemsAsync(second));
            Assert.Equal(["inner"], await ItemsAsync(inner));
        }
    }

    [Fact]
    public async Task A_copy_into_a_deleted_thread_reads_the_copied_chunks()
    {
        var blob = Guid.CreateVersion7();
        var stale = await PutAsync("target", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "stale"));
        Assert.Equal(["stale"], await ItemsAsync(stale));
        await PutAsync("source", null, PutMode.Continue, Items(blob, 1), Chunk(blob, 0, "copied"));
        Assert.Equal(["copied"], (await Reader().GetStateAsync(RunConfig.ForThread("source")))!.Values.Items);

        await Saver.DeleteThreadAsync("target");
        await Saver.CopyThreadAsync("source", "target");

        Assert.Equal(["copied"], (await Reader().GetStateAsync(RunConfig.ForThread("target")))!.Values.Items);
        Assert.Equal(["copied"], (await Reader().GetStateAsync(RunConfig.ForThread("source")))!.Values.Items);
    }

    [Fact]
    public async Task A_list_whose_items_were_cached_as_one_type_reads_right_as_another()
    {
        // 70 steps: a block of 64 numbers and small chunks after it. Each read's items are cached as int[] or long[].
        var run = RunConfig.ForThread("two-types");
        var ints = new StateGraph<IntNumbersState>()
            .AddNode("step", s => new Update<IntNumbersState>().Set(x => x.Numbers, [s.Step * 7]).Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Step >= 70 ? Graph.End : "step")
            .Compile(Saver);
        var longs = new StateGraph<LongNumbersState>()
            .AddNode("step", s => new Update<LongNumbersState>().Set(x => x.Step, s.Step))
            .AddEdge(Graph.Start, "step")
            .AddEdge("step", Graph.End)
            .Compile(Saver);
        await ints.InvokeAsync(new IntNumbersState(), run);
        var expected = Enumerable.Range(0, 70).Select(i => i * 7).ToList();

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(expected, (await ints.GetStateAsync(run))!.Values.Numbers);
            Assert.Equal(expected.Select(i => (long)i), (await longs.GetStateAsync(run))!.Values.Numbers);
        }

        Saver.ClearChunkCache();
        Assert.Equal(expected.Select(i => (long)i), (await longs.GetStateAsync(run))!.Values.Numbers);
        Assert.Equal(expected, (await ints.GetStateAsync(run))!.Values.Numbers);
    }

    /// <summary>A graph that appends one item and one box per step until <paramref name="steps"/>.</summary>
    private CompiledGraph<WarmReadState> Loop(int steps) =>
        new StateGraph<WarmReadState>()
            .AddNode("step", s => new Update<WarmReadState>()
                .Set(x => x.Items, [$"item {s.Step}"])
                .Set(x => x.Words, [$"word {s.Step}"])
                .Set(x => x.Boxes, [new Holder([$"box {s.Step}"])])
                .Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Step >= steps ? Graph.End : "step")
            .Compile(Saver);

    private CompiledGraph<WarmReadState> Reader() => Loop(1);

    private static Dictionary<string, ChannelValueRef> Items(Guid blob, int end) => Items(new BlobRun(blob, end));

    private static Dictionary<string, ChannelValueRef> Items(params BlobRun[] runs) =>
        new() { [nameof(WarmReadState.Items)] = Chunked(runs.Sum(r => r.End), runs) };

    private async Task<Guid> PutAsync(
        string thread, Guid? parent, PutMode mode, Dictionary<string, ChannelValueRef> channels, BlobChunk chunk, string ns = "")
    {
        var record = Record(thread, ns, parent, channels: channels);
        await Saver.PutAsync(record, [chunk], mode);
        return record.Id;
    }

    private async Task<IReadOnlyList<string>> ItemsAsync(Guid checkpointId) => (await Reader().GetStateAsync(checkpointId))!.Values.Items;

    private static async Task<List<Guid>> IdsAsync(CompiledGraph<WarmReadState> graph, RunConfig run)
    {
        var ids = new List<Guid>();
        await foreach (var tuple in graph.Saver.ListAsync(new CheckpointFilter { ThreadId = run.ThreadId, Namespace = run.Namespace }))
        {
            ids.Add(tuple.Checkpoint.Id);
        }

        return ids;
    }

    private static void AssertExpected(WarmReadState state, int steps)
    {
        Assert.Equal(steps, state.Step);
        Assert.Equal(Enumerable.Range(0, steps).Select(i => $"item {i}"), state.Items);
        Assert.Equal(Enumerable.Range(0, steps).Select(i => $"word {i}"), state.Words);
        Assert.Equal(Enumerable.Range(0, steps).Select(i => $"box {i}"), state.Boxes.Select(b => Assert.Single(b.Items)));
    }

    private static void AssertSame(WarmReadState expected, WarmReadState actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.Words, actual.Words);
        Assert.Equal(expected.Boxes.Select(b => string.Join(",", b.Items)), actual.Boxes.Select(b => string.Join(",", b.Items)));
    }
}
