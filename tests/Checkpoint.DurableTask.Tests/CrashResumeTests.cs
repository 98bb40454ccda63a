using Checkpoint.Storage;

namespace Checkpoint.DurableTask.Tests;

public sealed class CrashResumeTests
{
    private const int Steps = 100;
    private const int CrashAt = 50;

    [Fact]
    public async Task A_run_whose_host_is_disposed_mid_run_resumes_in_a_new_host_to_the_same_final_state()
    {
        var expected = await DurableGraphs.Counter(Steps).Compile(new InMemoryCheckpointSaver())
            .InvokeAsync(new CounterState(), RunConfig.ForThread("reference") with { RecursionLimit = 1000 });

        using var file = new SqliteFile();
        var crashing = true;
        var reachedCrash = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task OnStep(int count)
        {
            if (crashing && count >= CrashAt)
            {
                // The worker "dies" here: the node never gets past step 50 in the first host.
                reachedCrash.TrySetResult();
                throw new InvalidOperationException("the worker is going down");
            }

            return Task.CompletedTask;
        }

        // First process: runs until step 50, then its host is disposed.
        await using (var saver = file.OpenSaver())
        {
            var graphs = new GraphRegistry(saver, new DurableGraphOptions { ActivityMaxAttempts = 5, ActivityFirstRetryInterval = TimeSpan.FromMinutes(5) });
            var graph = graphs.Add("counter", DurableGraphs.Counter(Steps, OnStep));
            await using (var host = await Hosts.StartAsync(graphs))
            {
                await host.Client.StartGraphRunAsync(graphs, "counter", "crash", new CounterState());
                await reachedCrash.Task.WaitAsync(Hosts.Timeout);
            }

            var stopped = (await graph.GetStateAsync(RunConfig.ForThread("crash")))!;
            Assert.Equal(CrashAt - 1, stopped.Values.Count);
            Assert.Contains("going down", Assert.Single(stopped.Tasks).Error);
        }

        crashing = false;

        // Second process: a new saver on the same file and a new host; the run continues from the latest checkpoint.
        await using (var saver = file.OpenSaver())
        {
            var graphs = new GraphRegistry(saver);
            var graph = graphs.Add("counter", DurableGraphs.Counter(Steps, OnStep));
            await using var host = await Hosts.StartAsync(graphs);
            await host.Client.StartGraphRunAsync(graphs, "counter", "crash", input: null);
            var result = await Hosts.CompletedAsync(host.Client, "crash");

            var actual = graph.GetState(result.CheckpointId)!.Values;
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected.Log, actual.Log);

            var history = new List<StateSnapshot<CounterState>>();
            await foreach (var snapshot in graph.GetStateHistoryAsync(RunConfig.ForThread("crash")))
            {
                history.Add(snapshot);
            }

            Assert.Equal(Steps + 1, history.Count); // the input checkpoint and one per step: nothing lost, nothing doubled
        }
    }
}
