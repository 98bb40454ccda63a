using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>What a user prints while debugging reads as data, not as type names.</summary>
public sealed class PrintingTests
{
    [Fact]
    public async Task Snapshots_events_results_and_interrupts_print_their_lists_and_values()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(new InMemoryCheckpointSaver(), new CompileOptions { InterruptBefore = ["tool"] });
        var run = RunConfig.ForThread("print");
        var events = new List<string>();
        await foreach (var graphEvent in graph.StreamAsync(TestGraphs.Question(), run))
        {
            events.Add(graphEvent.ToString()!);
        }

        var snapshot = (await graph.GetStateAsync(run))!.ToString();
        var result = (await graph.RunAsync(null, run)).ToString();

        var all = string.Join("\n", [.. events, snapshot, result]);
        Assert.DoesNotContain("System.Collections", all, StringComparison.Ordinal);
        Assert.DoesNotContain("System.Byte[]", all, StringComparison.Ordinal);
        Assert.Contains(events, e => e.StartsWith("StepCompleted", StringComparison.Ordinal) && e.Contains("Next = [tool]", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("RunInterrupted { Step = 0, Interrupts = [tool (Before, before:", StringComparison.Ordinal));
        Assert.Contains("Next = [tool], Interrupts = [tool (Before, before:", snapshot, StringComparison.Ordinal);
        Assert.StartsWith("RunResult { Step = ", result, StringComparison.Ordinal);
    }
}
