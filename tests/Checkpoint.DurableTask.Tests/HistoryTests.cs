using Xunit.Abstractions;

namespace Checkpoint.DurableTask.Tests;

public sealed class HistoryTests(ITestOutputHelper output)
{
    private const int Steps = 200;
    private const int Every = 10;

    [Fact]
    public async Task A_200_step_run_completes_and_ContinueAsNew_keeps_the_history_bounded()
    {
        var bounded = await RunAsync(Every);
        var unbounded = await RunAsync(int.MaxValue);

        output.WriteLine($"ContinueAsNew every {Every} steps: {bounded.Count} generations, largest {bounded.Max(g => g.Events)} events / {bounded.Max(g => g.Bytes)} bytes");
        output.WriteLine($"ContinueAsNew disabled: {unbounded.Count} generation, {unbounded.Max(g => g.Events)} events / {unbounded.Max(g => g.Bytes)} bytes");

        // Per superstep of one node: 2 activities (run, commit), i.e. 2 scheduled + 2 completed events
        // and at most 2 orchestrator episodes (started + completed each); plus a fixed cost per generation.
        var bound = (8 * Every) + 16;
        Assert.Equal(Steps / Every, bounded.Count);
        Assert.All(bounded, g => Assert.InRange(g.Events, 1, bound));
        var single = Assert.Single(unbounded);
        Assert.True(single.Events > 4 * Steps, $"{single.Events} events without ContinueAsNew");
        Assert.True(bounded.Max(g => g.Bytes) * 10 < single.Bytes);
    }

    private async Task<IReadOnlyList<HistoryMeter.Generation>> RunAsync(int every)
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ContinueAsNewEvery = every });
        var graph = graphs.Add("counter", DurableGraphs.Counter(Steps));
        var meter = new HistoryMeter();
        var threadId = $"history-{every}";

        await using (var host = await Hosts.StartAsync(graphs, meter))
        {
            await host.Client.StartGraphRunAsync(graphs, "counter", threadId, new CounterState());
            var result = await Hosts.CompletedAsync(host.Client, threadId);

            var state = (await graph.GetStateAsync(result.CheckpointId))!.Values;
            Assert.Equal(Steps, state.Count);
            Assert.Equal(Enumerable.Range(1, Steps).Select(i => $"s{i}"), state.Log);

            // Another "process" (a new saver on the same file) reads the same final state by id.
            await using var reader = file.OpenSaver();
            Assert.Equal(Steps, DurableGraphs.Counter(Steps).Compile(reader).GetState(result.CheckpointId)!.Values.Count);
        }

        return meter.Generations(GraphOrchestration.InstanceIdFor(threadId));
    }
}
