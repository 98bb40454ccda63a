using System.Collections.Concurrent;

namespace Checkpoint.DurableTask.Tests;

/// <summary>Sends run as one activity each, and an interrupt in one of them pauses the orchestration until resumed.</summary>
public sealed class SendTests
{
    [Fact]
    public async Task An_orchestrated_map_reduce_runs_each_send_once_and_merges_in_send_order()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var ran = new ConcurrentQueue<int>();
        var graphs = new GraphRegistry(saver);
        var graph = graphs.Add("map", new StateGraph<CounterState>()
            .AddNode("plan", s => new Update<CounterState>().Set(x => x.Count, 5))
            .AddNode<int>("square", (s, item, ctx) =>
            {
                ran.Enqueue(item);
                var squared = item == 3 ? ctx.Interrupt<int>($"square of {item}?") : item * item;
                return Task.FromResult(new Update<CounterState>().Append(x => x.Log, $"{item}:{squared}"));
            })
            .AddNode("total", s => new Update<CounterState>().Set(x => x.Answer, $"{s.Log.Count} items"))
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", s => Enumerable.Range(0, s.Count).Select(i => new Send("square", i)))
            .AddEdge("square", "total").AddEdge("total", Graph.End));

        await using var host = await Hosts.StartAsync(graphs);
        await host.Client.StartGraphRunAsync(graphs, "map", "t", new CounterState());
        var interrupts = await Hosts.WaitForInterruptsAsync(host.Client, "t");
        var paused = (await graph.GetStateAsync(RunConfig.ForThread("t")))!;
        await host.Client.ResumeGraphRunAsync("t", 9);
        var result = await Hosts.CompletedAsync(host.Client, "t");

        Assert.Equal("square", Assert.Single(interrupts).Node);
        Assert.Equal([true, true, true, false, true], paused.Tasks.Select(t => t.Completed));
        var final = graph.GetState(result.CheckpointId)!.Values;
        Assert.Equal(["0:0", "1:1", "2:4", "3:9", "4:16"], final.Log);
        Assert.Equal("5 items", final.Answer);
        Assert.Equal([0, 1, 2, 3, 3, 4], ran.Order()); // only the interrupted Send ran again
    }
}
