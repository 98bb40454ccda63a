namespace Checkpoint.DurableTask.Tests;

/// <summary>A subgraph node runs inside its activity; an interrupt inside it pauses the orchestration until resumed.</summary>
public sealed class SubgraphTests
{
    [Fact]
    public async Task An_orchestrated_subgraph_pauses_on_its_interrupt_and_the_resume_reaches_it()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var approvals = 0;
        var inner = new StateGraph<CounterState>()
            .AddNode("draft", s => new Update<CounterState>().Append(x => x.Log, "draft"))
            .AddNode("approve", (s, ctx) =>
            {
                Interlocked.Increment(ref approvals);
                return new Update<CounterState>().Append(x => x.Log, $"approved by {ctx.Interrupt<string>("who approves?")}");
            })
            .AddEdge(Graph.Start, "draft").AddEdge("draft", "approve").AddEdge("approve", Graph.End)
            .Compile(saver);
        var graphs = new GraphRegistry(saver);
        var graph = graphs.Add("outer", new StateGraph<CounterState>()
            .AddNode("start", _ => new Update<CounterState>().Append(x => x.Log, "start"))
            .AddSubgraph("review", inner)
            .AddNode("publish", s => new Update<CounterState>().Append(x => x.Log, "publish").Set(x => x.Count, s.Log.Count))
            .AddEdge(Graph.Start, "start").AddEdge("start", "review").AddEdge("review", "publish").AddEdge("publish", Graph.End));

        await using var host = await Hosts.StartAsync(graphs);
        await host.Client.StartGraphRunAsync(graphs, "outer", "t", new CounterState());
        var interrupt = Assert.Single(await Hosts.WaitForInterruptsAsync(host.Client, "t"));
        await host.Client.ResumeGraphRunAsync("t", "ana");
        var result = await Hosts.CompletedAsync(host.Client, "t");

        Assert.Equal("review", interrupt.Node);
        Assert.Equal("\"who approves?\"", interrupt.ValueJson);
        var final = graph.GetState(result.CheckpointId)!.Values;
        Assert.Equal(["start", "draft", "approved by ana", "publish"], final.Log);
        Assert.Equal(3, final.Count);
        Assert.Equal(2, approvals); // paused once, then run again with the answer; draft did not run again
    }
}
