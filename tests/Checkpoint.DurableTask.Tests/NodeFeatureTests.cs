namespace Checkpoint.DurableTask.Tests;

/// <summary>Node routing and policies behave the same when each node runs as an activity.</summary>
public sealed class NodeFeatureTests
{
    [Fact]
    public async Task An_orchestrated_run_follows_goto_and_retries_a_flaky_node_inside_its_activity()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var flaky = 0;
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ActivityMaxAttempts = 1 }); // only the node's own policy retries
        var graph = graphs.Add("triage", new StateGraph<CounterState>()
            .AddNode("triage", s => new Update<CounterState>().Append(x => x.Log, "triage").Goto(s.Answer == "refund" ? "billing" : "support"),
                new NodeOptions { Destinations = ["billing", "support"] })
            .AddNode("billing", _ => Interlocked.Increment(ref flaky) < 3
                    ? throw new IOException("billing backend busy")
                    : new Update<CounterState>().Append(x => x.Log, "billing").Set(x => x.Count, 1),
                new NodeOptions { Retry = new NodeRetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(1) } })
            .AddNode("support", _ => new Update<CounterState>().Append(x => x.Log, "support"))
            .AddEdge(Graph.Start, "triage").AddEdge("billing", Graph.End).AddEdge("support", Graph.End));

        await using (var host = await Hosts.StartAsync(graphs))
        {
            await host.Client.StartGraphRunAsync(graphs, "triage", "refund", new CounterState { Answer = "refund" });
            await Hosts.CompletedAsync(host.Client, "refund");
        }

        var state = (await graph.GetStateAsync(RunConfig.ForThread("refund")))!.Values;
        Assert.Equal(["triage", "billing"], state.Log);
        Assert.Equal(3, flaky); // two failed attempts and the one that worked, in one activity run
    }
}
