using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;

namespace Checkpoint.DurableTask.Tests;

public sealed class InterruptTests
{
    [Fact]
    public async Task An_interrupt_shows_in_the_custom_status_and_an_external_event_resumes_it_with_a_value()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var calls = new ConcurrentQueue<string>();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var graphs = new GraphRegistry(saver);
        var graph = graphs.Add("ask", DurableGraphs.AskAndWork(node =>
        {
            calls.Enqueue(node);
            if (node == "ask")
            {
                asked.TrySetResult();
            }
        }));
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "ask", "human", new CounterState());
        await asked.Task.WaitAsync(Hosts.Timeout);
        var interrupts = await Hosts.WaitForInterruptsAsync(host.Client, "human");

        var interrupt = Assert.Single(interrupts);
        Assert.Equal("ask", interrupt.Node);
        Assert.Equal("\"approve?\"", interrupt.ValueJson);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(GraphOrchestration.InstanceIdFor("human")))!.RuntimeStatus);
        var waiting = (await graph.GetStateAsync(RunConfig.ForThread("human")))!;
        Assert.Single(waiting.Interrupts);

        await host.Client.ResumeGraphRunAsync("human", "yes, go on");
        var result = await Hosts.CompletedAsync(host.Client, "human");

        var final = graph.GetState(result.CheckpointId)!.Values;
        Assert.Equal("yes, go on", final.Answer);
        Assert.Equal(1, final.Count);
        Assert.Equal(["start", "ask", "work", "finish"], final.Log);
        Assert.Equal(2, calls.Count(c => c == "ask")); // interrupted once, then re-run with the value
        Assert.Equal(1, calls.Count(c => c == "work")); // its writes were saved: not run again
        Assert.Empty(await host.Client.GetGraphInterruptsAsync("human"));
    }

    [Theory]
    [InlineData(null, false)] // the default with an encrypting saver: the value stays in the encrypted store
    [InlineData(true, true)]
    public async Task With_encryption_the_interrupt_value_is_readable_and_kept_out_of_the_orchestration_unless_asked(bool? inOrchestration, bool shown)
    {
        using var file = new SqliteFile();
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        await using var saver = file.OpenSaver(new Serialization.CheckpointSerializer(new Serialization.SerializerOptions { EncryptionKey = key }));
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { InterruptValuesInOrchestration = inOrchestration });
        var graph = graphs.Add("ask", DurableGraphs.AskAndWork(_ => { }));
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "ask", "secret", new CounterState());
        var interrupt = Assert.Single(await Hosts.WaitForInterruptsAsync(host.Client, "secret"));

        Assert.Equal(shown ? "\"approve?\"" : null, interrupt.ValueJson);
        Assert.Equal(!shown, interrupt.ValueWithheld);
        var waiting = (await graph.GetStateAsync(RunConfig.ForThread("secret")))!;
        Assert.Equal("approve?", Assert.Single(waiting.Interrupts).GetValue<string>());
        await host.Client.ResumeGraphRunAsync("secret", "yes");
        var result = await Hosts.CompletedAsync(host.Client, "secret");
        Assert.Equal("yes", graph.GetState(result.CheckpointId)!.Values.Answer);
    }

    [Fact]
    public async Task A_static_interrupt_before_a_node_waits_for_the_resume_event_then_the_node_runs()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ContinueAsNewEvery = 1 });
        var graph = graphs.Add("counter", DurableGraphs.Counter(3), new CompileOptions { InterruptBefore = ["step"] });
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "counter", "static", new CounterState());
        for (var expected = 0; expected < 3; expected++)
        {
            var interrupt = Assert.Single(await Hosts.WaitForInterruptsAsync(host.Client, "static"));
            Assert.Equal("Before", interrupt.Kind);
            Assert.Equal(expected, (await graph.GetStateAsync(RunConfig.ForThread("static")))!.Values.Count);
            await host.Client.ResumeGraphRunAsync("static");
            await WaitForCountAsync(host.Client, graph, "static", expected + 1); // the status shows the next checkpoint's interrupt only after this

        }

        var result = await Hosts.CompletedAsync(host.Client, "static");
        Assert.Equal(3, graph.GetState(result.CheckpointId)!.Values.Count);
    }

    /// <summary>
    /// Polls the saver (no sleeping) until the thread's latest state has the count; fails at once when the orchestration
    /// ended without reaching it (read again after the end: the last step may commit between the two reads).
    /// </summary>
    private static async Task WaitForCountAsync(DurableTaskClient client, CompiledGraph<CounterState> graph, string threadId, int count)
    {
        using var timeout = new CancellationTokenSource(Hosts.Timeout);
        while ((await graph.GetStateAsync(RunConfig.ForThread(threadId), timeout.Token))!.Values.Count < count)
        {
            var metadata = await client.GetInstanceAsync(GraphOrchestration.InstanceIdFor(threadId));
            if (metadata is not { IsCompleted: false })
            {
                var final = (await graph.GetStateAsync(RunConfig.ForThread(threadId), timeout.Token))!.Values.Count;
                Assert.True(final >= count, $"{metadata?.RuntimeStatus} at count {final}: {metadata?.FailureDetails?.ErrorMessage}");
                return;
            }

            await Task.Yield();
        }
    }

    /// <summary>Fails at once (instead of at the timeout) when the orchestration has ended.</summary>
    [Fact]
    public async Task A_whole_number_resume_value_reaches_a_node_that_asks_for_an_int()
    {
        // The event's number arrives as 9.0 through the backend: it was stored as a double and the node's read failed.
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var graphs = new GraphRegistry(saver);
        var graph = graphs.Add("square", new StateGraph<CounterState>()
            .AddNode("square", (s, ctx) => new Update<CounterState>().Set(x => x.Count, ctx.Interrupt<int>("a number?") * 2))
            .AddEdge(Graph.Start, "square").AddEdge("square", Graph.End));
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "square", "number", new CounterState());
        _ = await Hosts.WaitForInterruptsAsync(host.Client, "number");
        await host.Client.ResumeGraphRunAsync("number", 21);
        var result = await Hosts.CompletedAsync(host.Client, "number");

        Assert.Equal(42, graph.GetState(result.CheckpointId)!.Values.Count);
    }
}
