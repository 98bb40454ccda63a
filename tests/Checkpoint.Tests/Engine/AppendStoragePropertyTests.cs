using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Engine;

/// <summary>
/// Chunked append storage, end to end through a real saver: whatever the appends and forks, every
/// checkpoint reads back exactly the list it had, and each item is stored once per branch.
/// </summary>
public sealed class AppendStoragePropertyTests
{
    [Property(MaxTest = 40)]
    public void Every_checkpoint_reads_back_its_list_after_appends_and_forks(NonEmptyArray<string[]> batches, PositiveInt forkSeed)
    {
        var saver = new InMemoryCheckpointSaver();
        var queue = new Queue<string[]>(batches.Get);
        var graph = new StateGraph<ChatState>()
            .AddNode("append", s => new Update<ChatState>()
                .Set(x => x.Messages, queue.Dequeue().Select(text => new Message("m", text ?? "")).ToList())
                .Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "append")
            .AddConditionalEdges("append", s => queue.Count > 0 ? "append" : Graph.End)
            .Compile(saver);
        var run = RunConfig.ForThread("p") with { RecursionLimit = 1_000 };
        graph.InvokeAsync(new ChatState(), run).GetAwaiter().GetResult();

        var history = TestGraphs.HistoryAsync(graph, run).GetAwaiter().GetResult();
        var expected = new List<string>();
        var expectedByStep = new Dictionary<int, List<string>> { [-1] = [] };
        foreach (var (batch, step) in batches.Get.Select((b, i) => (b, i)))
        {
            expected.AddRange(batch.Select(t => t ?? ""));
            expectedByStep[step] = [.. expected];
        }

        foreach (var snapshot in history)
        {
            Assert.Equal(expectedByStep[snapshot.Step], snapshot.Values.Messages.Select(m => m.Content));
        }

        // Fork from a random past checkpoint, append one more item on the branch; both branches read back intact.
        var past = history[forkSeed.Get % history.Count];
        var fork = graph.UpdateStateAsync(past.Config, new Update<ChatState>().Set(x => x.Messages, [new Message("m", "fork")])).GetAwaiter().GetResult();
        Assert.Equal(expectedByStep[past.Step].Append("fork"), graph.GetStateAsync(fork).GetAwaiter().GetResult()!.Values.Messages.Select(m => m.Content));
        foreach (var snapshot in history)
        {
            Assert.Equal(expectedByStep[snapshot.Step], graph.GetState(snapshot.CheckpointId)!.Values.Messages.Select(m => m.Content));
        }
    }
}
