using Checkpoint.Compaction;
using Checkpoint.Storage;

namespace Checkpoint.DurableTask.Tests;

/// <summary>A compactor declared on a graph run by the orchestration: each commit activity compacts.</summary>
public sealed class CompactionTests
{
    [Fact]
    public async Task An_orchestrated_run_compacts_after_the_steps_whose_list_reaches_the_trigger()
    {
        const int Steps = 30;
        using var file = new SqliteFile();
        await using var saver = file.OpenSaver();
        var graphs = new GraphRegistry(saver, new DurableGraphOptions { ContinueAsNewEvery = 7 });
        var graph = graphs.Add(
            "compacting",
            DurableGraphs.Counter(Steps).WithCompactor(s => s.Log, ListCompactors.KeepLast<string>(3), CompactionTrigger.Items(8)));

        await using (var host = await Hosts.StartAsync(graphs))
        {
            await host.Client.StartGraphRunAsync(graphs, "compacting", "compacted", new CounterState());
            var result = await Hosts.CompletedAsync(host.Client, "compacted");

            // The log after each step, compacted to its last 3 entries whenever it reaches 8.
            var expected = new List<string>();
            var compactions = 0;
            for (var step = 1; step <= Steps; step++)
            {
                expected.Add($"s{step}");
                if (expected.Count >= 8)
                {
                    expected = expected.Skip(expected.Count - 3).ToList();
                    compactions++;
                }
            }

            var state = (await graph.GetStateAsync(result.CheckpointId))!.Values;
            Assert.Equal(Steps, state.Count);
            Assert.Equal(expected, state.Log);

            var history = new List<StateSnapshot<CounterState>>();
            await foreach (var snapshot in graph.GetStateHistoryAsync(RunConfig.ForThread("compacted")))
            {
                history.Add(snapshot);
            }

            var compacts = history.Where(s => s.Source == CheckpointSource.Compact).ToList();
            Assert.Equal(compactions, compacts.Count);
            Assert.All(compacts, c =>
            {
                var parent = history.Single(s => s.CheckpointId == c.ParentConfig!.CheckpointId);
                Assert.Equal(CheckpointSource.Loop, parent.Source);
                Assert.Equal(8, parent.Values.Log.Count);
                Assert.Equal(parent.Values.Log.Skip(5), c.Values.Log);
            });

            // Every step after a compaction continued from the compact checkpoint, not from the step before it.
            Assert.All(compacts, c => Assert.Contains(history, s => s.ParentConfig?.CheckpointId == c.CheckpointId));
            Assert.DoesNotContain(history, s => s.Source == CheckpointSource.Loop
                && compacts.Any(c => c.ParentConfig!.CheckpointId == s.ParentConfig?.CheckpointId));
        }
    }
}
