using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Engine;

public sealed class LogState
{
    [Append]
    public IReadOnlyList<string> Log { get; set; } = [];
}

/// <summary>
/// Chunked append storage, end to end through a real saver: whatever the appends and forks, every
/// checkpoint reads back exactly the list it had — in the history (where shorter versions are views
/// of longer ones) and read one by one — for copied lists (List) and shared ones (IReadOnlyList).
/// </summary>
public sealed class AppendStoragePropertyTests
{
    [Property(MaxTest = 40)]
    public void Copied_lists_read_back_after_appends_and_forks(NonEmptyArray<string[]> batches, PositiveInt forkSeed) =>
        Check<ChatState>(
            batches.Get, forkSeed.Get,
            items => new Update<ChatState>().Set(x => x.Messages, items.Select(text => new Message("m", text)).ToList()),
            state => state.Messages.Select(m => m.Content));

    [Property(MaxTest = 40)]
    public void Shared_lists_read_back_after_appends_and_forks(NonEmptyArray<string[]> batches, PositiveInt forkSeed) =>
        Check<LogState>(
            batches.Get, forkSeed.Get,
            items => new Update<LogState>().Set(x => x.Log, items),
            state => state.Log);

    private static void Check<TState>(
        string[][] batches, int forkSeed, Func<string[], Update<TState>> append, Func<TState, IEnumerable<string>> read)
        where TState : class, new()
    {
        batches = [.. batches.Select(b => b.Select(text => text ?? "").ToArray())];
        var queue = new Queue<string[]>(batches);
        var graph = new StateGraph<TState>()
            .AddNode("append", s => append(queue.Dequeue()))
            .AddEdge(Graph.Start, "append")
            .AddConditionalEdges("append", s => queue.Count > 0 ? "append" : Graph.End)
            .Compile(new InMemoryCheckpointSaver());
        var run = RunConfig.ForThread("p") with { RecursionLimit = 1_000 };
        graph.InvokeAsync(new TState(), run).GetAwaiter().GetResult();

        var expectedByStep = new Dictionary<int, List<string>> { [-1] = [] };
        var expected = new List<string>();
        foreach (var (batch, step) in batches.Select((b, i) => (b, i)))
        {
            expected.AddRange(batch);
            expectedByStep[step] = [.. expected];
        }

        var history = new List<StateSnapshot<TState>>();
        foreach (var snapshot in graph.GetStateHistoryAsync(run).ToBlockingEnumerable())
        {
            history.Add(snapshot);
        }

        Assert.All(history, snapshot => Assert.Equal(expectedByStep[snapshot.Step], read(snapshot.Values)));

        // Fork from a random past checkpoint and append on the branch; both branches read back intact.
        var past = history[forkSeed % history.Count];
        var fork = graph.UpdateStateAsync(past.Config, append(["fork"])).GetAwaiter().GetResult();
        Assert.Equal(expectedByStep[past.Step].Append("fork"), read(graph.GetStateAsync(fork).GetAwaiter().GetResult()!.Values));
        Assert.All(history, snapshot => Assert.Equal(expectedByStep[snapshot.Step], read(graph.GetState(snapshot.CheckpointId)!.Values)));

        // Appending to a value read from the history (a view sharing a longer list's buffer) leaves that list alone.
        var longest = read(history[0].Values).ToList();
        var grown = graph.UpdateStateAsync(past.Config, append(["again"])).GetAwaiter().GetResult();
        Assert.Equal(expectedByStep[past.Step].Append("again"), read(graph.GetStateAsync(grown).GetAwaiter().GetResult()!.Values));
        Assert.Equal(longest, read(history[0].Values));
    }
}
