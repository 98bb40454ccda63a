namespace Checkpoint.DurableTask.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task A_node_that_fails_twice_is_retried_by_the_activity_policy_and_the_run_completes()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var attempts = 0;
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ActivityMaxAttempts = 3, ActivityFirstRetryInterval = TimeSpan.FromMilliseconds(50) });
        var graph = graphs.Add("flaky", DurableGraphs.Counter(3, count =>
        {
            if (count == 2 && Interlocked.Increment(ref attempts) <= 2)
            {
                throw new TimeoutException($"flaky attempt {attempts}");
            }

            return Task.CompletedTask;
        }));
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "flaky", "retry", new CounterState());
        var result = await Hosts.CompletedAsync(host.Client, "retry");

        Assert.Equal(3, attempts); // two failures, then the successful attempt
        var final = graph.GetState(result.CheckpointId)!.Values;
        Assert.Equal(3, final.Count);
        Assert.Equal(["s1", "s2", "s3"], final.Log);
    }

    [Fact]
    public async Task A_node_that_keeps_failing_fails_the_orchestration_after_the_last_attempt()
    {
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var attempts = 0;
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ActivityMaxAttempts = 2, ActivityFirstRetryInterval = TimeSpan.FromMilliseconds(50) });
        var graph = graphs.Add("broken", DurableGraphs.Counter(3, _ =>
        {
            Interlocked.Increment(ref attempts);
            throw new TimeoutException("always");
        }));
        await using var host = await Hosts.StartAsync(graphs);

        await host.Client.StartGraphRunAsync(graphs, "broken", "fail", new CounterState());
        using var timeout = new CancellationTokenSource(Hosts.Timeout);
        var metadata = await host.Client.WaitForGraphRunAsync("fail", timeout.Token);

        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, metadata.RuntimeStatus);
        Assert.Equal(2, attempts);
        Assert.Contains("always", (await graph.GetStateAsync(RunConfig.ForThread("fail")))!.Tasks.Single().Error);
    }
}
