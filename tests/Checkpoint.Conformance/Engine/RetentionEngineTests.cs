using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Engine;

/// <summary>
/// Retention on threads the engine wrote (list channels in chunks, implicit parents, a fork): kept snapshots
/// read back identical with their parent links, a fork point keeps its branch. Inherited once per saver.
/// </summary>
public abstract class RetentionEngineTests : IAsyncLifetime
{
    private CheckpointSaver? _saver;

    /// <summary>The saver under test, fresh for each test.</summary>
    protected CheckpointSaver Saver => _saver ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty saver for one test.</summary>
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
    public async Task A_thinned_engine_thread_reads_its_kept_snapshots_identical_with_their_parents()
    {
        var run = RunConfig.ForThread("thinned");
        await Loop(12).InvokeAsync(new WarmReadState(), run);
        var before = await SnapshotsAsync(Loop(12), run);

        var deleted = await Saver.PruneAsync("thinned", RetentionPolicy.EveryKthStep(3));

        var after = await SnapshotsAsync(Loop(12), run);
        Assert.Equal(before.Count - after.Count, deleted);
        Assert.True(deleted > 0);
        Assert.All(after, snapshot => Assert.True(snapshot.Value.Step % 3 == 0 || snapshot.Value.Step <= 0 || snapshot.Key == after.Keys.Max()));
        foreach (var (id, snapshot) in after)
        {
            AssertSame(before[id].Values, snapshot.Values);
            Assert.Equal(before[id].ParentConfig?.CheckpointId, snapshot.ParentConfig?.CheckpointId);
        }

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"item {i}"), (await Loop(12).GetStateAsync(run))!.Values.Items);
    }

    [Fact]
    public async Task A_fork_point_and_its_branch_survive_a_prune_of_the_main_line()
    {
        var run = RunConfig.ForThread("forked");
        var graph = Loop(8);
        await graph.InvokeAsync(new WarmReadState(), run);
        var history = await SnapshotsAsync(graph, run);
        var forkFrom = history.Values.Single(snapshot => snapshot.Step == 3);
        await Loop(6).InvokeAsync(null, forkFrom.Config);
        var before = await SnapshotsAsync(graph, run);

        await Saver.PruneAsync("forked", RetentionPolicy.Latest(1).KeepingForkPoints());

        var after = await SnapshotsAsync(graph, run);
        Assert.Contains(forkFrom.Config.CheckpointId!.Value, after.Keys);
        Assert.True(after.Count < before.Count);
        foreach (var (id, snapshot) in after)
        {
            AssertSame(before[id].Values, snapshot.Values);
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"item {i}"), (await graph.GetStateAsync(run))!.Values.Items);
    }

    private async Task<Dictionary<Guid, StateSnapshot<WarmReadState>>> SnapshotsAsync(CompiledGraph<WarmReadState> graph, RunConfig run)
    {
        var snapshots = new Dictionary<Guid, StateSnapshot<WarmReadState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(run with { CheckpointId = null }))
        {
            snapshots[snapshot.Config.CheckpointId!.Value] = snapshot;
        }

        return snapshots;
    }

    private CompiledGraph<WarmReadState> Loop(int steps) =>
        new StateGraph<WarmReadState>()
            .AddNode("step", s => new Update<WarmReadState>()
                .Set(x => x.Items, [$"item {s.Step}"])
                .Set(x => x.Words, [$"word {s.Step}"])
                .Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Step >= steps ? Graph.End : "step")
            .Compile(Saver);

    private static void AssertSame(WarmReadState expected, WarmReadState actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.Words, actual.Words);
    }
}
