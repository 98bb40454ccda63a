using System.Collections.Concurrent;
using Checkpoint.Storage;

namespace Checkpoint.DurableTask.Tests;

/// <summary>An orchestrated run ends like an in-process one: run-end handlers see the final state and the thread's subject.</summary>
public sealed class RunEndedTests
{
    [Fact]
    public async Task The_last_commit_activity_calls_the_run_end_handlers_and_every_checkpoint_carries_the_subject()
    {
        const int Steps = 9;
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var ended = new ConcurrentQueue<RunEnded>();
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ContinueAsNewEvery = 4 });
        var graph = graphs.Add("counter", DurableGraphs.Counter(Steps), new CompileOptions().OnRunEnded((end, _) =>
        {
            ended.Enqueue(end);
            return Task.CompletedTask;
        }));

        await using (var host = await Hosts.StartAsync(graphs))
        {
            await host.Client.StartGraphRunAsync(graphs, "counter", "ending", new CounterState(), subjectId: "ana");
            var result = await Hosts.CompletedAsync(host.Client, "ending");

            // At least once: a retried last commit would call the handlers again, on the same final checkpoint.
            Assert.NotEmpty(ended);
            Assert.All(ended, end =>
            {
                Assert.Equal((result.CheckpointId, "ana", "ending"), (end.CheckpointId, end.Config.SubjectId, end.Config.ThreadId));
                Assert.Equal(Steps, end.GetState<CounterState>().Count);
            });
        }

        var checkpoints = await saver.ListAsync(new CheckpointFilter { ThreadId = "ending" }).ToListAsync();
        Assert.Equal(Steps + 1, checkpoints.Count);
        Assert.All(checkpoints, tuple => Assert.Equal("ana", tuple.Checkpoint.Metadata[RunConfig.SubjectMetadataKey]));
        Assert.Equal(1, (await saver.EraseSubjectAsync("ana")).Threads);
        Assert.Null(await graph.GetStateAsync(RunConfig.ForThread("ending")));
    }
}
