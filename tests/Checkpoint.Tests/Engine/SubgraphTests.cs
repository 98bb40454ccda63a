using System.Collections.Concurrent;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class ResearchState
{
    public string Question { get; set; } = "";

    [Append]
    public List<string> Notes { get; set; } = [];
}

/// <summary>Subgraphs: a compiled graph as a node, its checkpoints in a child namespace, its interrupts pausing the parent.</summary>
public sealed class SubgraphTests
{
    private readonly InMemoryCheckpointSaver _saver = new();
    private readonly ConcurrentQueue<string> _ran = new();

    // search -> read -> end, over the parent's own state.
    private CompiledGraph<ChatState> Inner(Func<ChatState, NodeContext, Update<ChatState>>? read = null) => new StateGraph<ChatState>()
        .AddNode("search", s =>
        {
            _ran.Enqueue("search");
            return new Update<ChatState>().Append(x => x.Messages, new Message("search", "found")).Set(x => x.Note, "searched");
        })
        .AddNode("read", read ?? ((s, ctx) =>
        {
            _ran.Enqueue("read");
            return new Update<ChatState>().Append(x => x.Messages, new Message("read", "read it"));
        }))
        .AddEdge(Graph.Start, "search").AddEdge("search", "read").AddEdge("read", Graph.End)
        .Compile(new InMemoryCheckpointSaver()); // its own saver: the parent's is used

    private CompiledGraph<ChatState> Outer(CompiledGraph<ChatState> inner) => new StateGraph<ChatState>()
        .AddNode("plan", _ => new Update<ChatState>().Append(x => x.Messages, new Message("plan", "plan")))
        .AddSubgraph("research", inner)
        .AddNode("answer", s => new Update<ChatState>().Append(x => x.Messages, new Message("answer", $"{s.Messages.Count} messages, {s.Note}")))
        .AddEdge(Graph.Start, "plan").AddEdge("plan", "research").AddEdge("research", "answer").AddEdge("answer", Graph.End)
        .Compile(_saver);

    [Fact]
    public async Task A_subgraph_runs_as_one_node_on_the_parents_thread_in_a_child_namespace_and_returns_what_it_changed()
    {
        var graph = Outer(Inner());

        var result = await graph.InvokeAsync(TestGraphs.Question("q"), RunConfig.ForThread("t"));

        Assert.Equal(["q", "plan", "found", "read it", "4 messages, searched"], result.Messages.Select(m => m.Content));
        var namespaces = new HashSet<string>();
        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter { ThreadId = "t" }))
        {
            namespaces.Add(tuple.Checkpoint.Namespace);
        }

        var child = Assert.Single(namespaces, ns => ns.Length > 0);
        Assert.StartsWith("research:", child, StringComparison.Ordinal);
        var onParentSaver = new List<StateSnapshot<ChatState>>();
        onParentSaver.AddRange(await TestGraphs.HistoryAsync(graph, RunConfig.ForThread("t") with { Namespace = child }));

        Assert.Equal(["q", "plan", "found", "read it"], onParentSaver[0].Values.Messages.Select(m => m.Content)); // on the parent's saver
        Assert.Equal([1, 0, -1], onParentSaver.Select(s => s.Step)); // input, search, read
        Assert.Empty(onParentSaver[0].Next);
    }

    [Fact]
    public async Task An_interrupt_inside_the_subgraph_pauses_the_parent_and_the_resume_goes_into_the_subgraph()
    {
        var graph = Outer(Inner((s, ctx) =>
        {
            _ran.Enqueue("read");
            var verdict = ctx.Interrupt<string>("is the source trustworthy?");
            return new Update<ChatState>().Append(x => x.Messages, new Message("read", verdict));
        }));

        var paused = await graph.RunAsync(TestGraphs.Question("q"), RunConfig.ForThread("t"));
        var withChild = await graph.GetStateAsync(RunConfig.ForThread("t"), subgraphs: true);
        var result = await graph.InvokeAsync(Command.Resume("yes"), RunConfig.ForThread("t"));

        Assert.Equal("is the source trustworthy?", Assert.Single(paused.Interrupts).GetValue<string>());
        var childState = Assert.IsType<StateSnapshot<ChatState>>(Assert.Single(withChild!.Tasks).State);
        Assert.Equal(["read"], childState.Next);
        Assert.Equal(["q", "plan", "found", "yes", "4 messages, searched"], result.Messages.Select(m => m.Content));
        Assert.Equal(["search", "read", "read"], _ran); // the subgraph continued: search did not run again
    }

    [Fact]
    public async Task A_failure_inside_the_subgraph_fails_the_parent_and_a_rerun_continues_the_subgraph_where_it_stopped()
    {
        var failing = true;
        var graph = Outer(Inner((s, ctx) =>
        {
            _ran.Enqueue("read");
            return failing ? throw new IOException("disk busy") : new Update<ChatState>().Append(x => x.Messages, new Message("read", "read it"));
        }));

        await Assert.ThrowsAsync<IOException>(() => graph.InvokeAsync(TestGraphs.Question("q"), RunConfig.ForThread("t")));
        failing = false;
        var result = await graph.InvokeAsync(null, RunConfig.ForThread("t"));

        Assert.Equal(["q", "plan", "found", "read it", "4 messages, searched"], result.Messages.Select(m => m.Content));
        Assert.Equal(["search", "read", "read"], _ran);
    }

    [Fact]
    public async Task A_fork_from_before_the_subgraph_runs_it_afresh_and_leaves_the_first_run_intact()
    {
        var graph = Outer(Inner());
        await graph.InvokeAsync(TestGraphs.Question("q"), RunConfig.ForThread("t"));
        var beforeResearch = (await TestGraphs.HistoryAsync(graph, RunConfig.ForThread("t"))).Single(s => s.Next.SequenceEqual(["research"]));

        var fork = await graph.UpdateStateAsync(beforeResearch.Config, new Update<ChatState>().Set(x => x.Note, "forked"));
        var forked = await graph.InvokeAsync(null, fork);

        Assert.Equal(["q", "plan", "found", "read it", "4 messages, searched"], forked.Messages.Select(m => m.Content));
        Assert.Equal(["search", "read", "search", "read"], _ran);
        var childRuns = new HashSet<string>();
        await foreach (var tuple in _saver.ListAsync(new CheckpointFilter { ThreadId = "t" }))
        {
            if (tuple.Checkpoint.Namespace.Length > 0)
            {
                childRuns.Add(tuple.Checkpoint.Namespace);
            }
        }

        Assert.Equal(2, childRuns.Count); // one subgraph run per task: the fork's task is another
    }

    [Fact]
    public async Task A_subgraph_over_another_state_maps_its_input_and_output()
    {
        var research = new StateGraph<ResearchState>()
            .AddNode("look", s => new Update<ResearchState>().Append(x => x.Notes, [$"about {s.Question}"]))
            .AddNode("dig", s => new Update<ResearchState>().Append(x => x.Notes, ["deeper"]))
            .AddEdge(Graph.Start, "look").AddEdge("look", "dig").AddEdge("dig", Graph.End)
            .Compile(_saver);
        var graph = new StateGraph<ChatState>()
            .AddSubgraph("research", research,
                input: s => new ResearchState { Question = s.Messages[^1].Content },
                output: (s, done) => new Update<ChatState>().Append(x => x.Messages, new Message("research", string.Join("; ", done.Notes))))
            .AddEdge(Graph.Start, "research").AddEdge("research", Graph.End)
            .Compile(_saver);

        var result = await graph.InvokeAsync(TestGraphs.Question("tides"), RunConfig.ForThread("t"));

        Assert.Equal(["tides", "about tides; deeper"], result.Messages.Select(m => m.Content));
    }
}
