using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>A graph's threads at a glance: which ones wait for a person, for which user, how far they got.</summary>
public sealed class ListThreadsTests
{
    [Fact]
    public async Task Threads_waiting_on_an_interrupt_are_found_by_the_runs_metadata()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("draft", s => new Update<ChatState>().Set(x => x.Step, s.Step + 1))
            .AddNode("approve", (s, context) => s.Note == "auto"
                ? new Update<ChatState>()
                : new Update<ChatState>().Set(x => x.Note, context.Interrupt<string>("approve the draft?")))
            .AddEdge(Graph.Start, "draft").AddEdge("draft", "approve").AddEdge("approve", Graph.End)
            .Compile(new InMemoryCheckpointSaver());
        RunConfig For(string thread, string user) => RunConfig.ForThread(thread) with { Metadata = new Dictionary<string, string> { ["user"] = user } };

        await graph.RunAsync(new ChatState(), For("t1", "ana"));
        await graph.RunAsync(new ChatState { Note = "auto" }, For("t2", "ana"));
        await graph.RunAsync(new ChatState(), For("t3", "bo"));

        var waiting = await ToListAsync(graph.ListThreadsAsync(new ThreadQuery { Interrupted = true, Metadata = new Dictionary<string, string> { ["user"] = "ana" } }));
        var all = await ToListAsync(graph.ListThreadsAsync());

        var t1 = Assert.Single(waiting);
        Assert.Equal(("t1", 0), (t1.ThreadId, t1.Step)); // the input is step -1, draft step 0
        Assert.Equal(["approve"], t1.Next);
        Assert.Equal(["t1", "t2", "t3"], all.Select(s => s.ThreadId));
        Assert.Equal([true, false, true], all.Select(s => s.Interrupted));
        Assert.Equal(1, all[1].Step);
        Assert.Empty(all[1].Next);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
