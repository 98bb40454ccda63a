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
        var interrupts = await WaitForInterruptsAsync(host.Client, "human");

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

    /// <summary>Polls the orchestration's custom status (no sleeping) until it shows interrupts.</summary>
    private static async Task<IReadOnlyList<InterruptInfo>> WaitForInterruptsAsync(DurableTaskClient client, string threadId)
    {
        using var timeout = new CancellationTokenSource(Hosts.Timeout);
        while (true)
        {
            var interrupts = await client.GetGraphInterruptsAsync(threadId, timeout.Token);
            if (interrupts.Count > 0)
            {
                return interrupts;
            }

            await Task.Yield();
        }
    }
}
