using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Routing and updating in one return: <c>Update.Goto</c> with declared destinations.</summary>
public sealed class GotoTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    private static Update<ChatState> Say(string text) => new Update<ChatState>().Append(s => s.Messages, new Message("node", text));

    // triage -> (billing | support) by Goto, with no edge out of triage; billing and support end.
    private StateGraph<ChatState> Triage(Func<ChatState, Update<ChatState>> triage) => new StateGraph<ChatState>()
        .AddNode("triage", triage, new NodeOptions { Destinations = ["billing", "support", Graph.End] })
        .AddNode("billing", _ => Say("billing"))
        .AddNode("support", _ => Say("support"))
        .AddEdge(Graph.Start, "triage").AddEdge("billing", Graph.End).AddEdge("support", Graph.End);

    [Fact]
    public async Task A_node_updates_the_state_and_chooses_the_next_node_in_one_return()
    {
        var graph = Triage(s => Say("triaged").Set(x => x.Note, "refund").Goto(s.Messages[0].Content.Contains("refund", StringComparison.Ordinal) ? "billing" : "support"))
            .Compile(_saver);

        var refund = await graph.InvokeAsync(TestGraphs.Question("I want a refund"), RunConfig.ForThread("a"));
        var other = await graph.InvokeAsync(TestGraphs.Question("it crashes"), RunConfig.ForThread("b"));

        Assert.Equal(["I want a refund", "triaged", "billing"], refund.Messages.Select(m => m.Content));
        Assert.Equal(["it crashes", "triaged", "support"], other.Messages.Select(m => m.Content));
        Assert.Equal("refund", refund.Note);
        var history = await TestGraphs.HistoryAsync(graph, RunConfig.ForThread("a"));
        Assert.Contains(history, snapshot => snapshot.Next.SequenceEqual(["billing"]));
    }

    [Fact]
    public async Task Goto_end_finishes_the_run_and_goto_adds_to_a_nodes_edges()
    {
        var ends = Triage(_ => Say("nothing to do").Goto(Graph.End)).Compile(_saver);
        var both = new StateGraph<ChatState>()
            .AddNode("plan", _ => Say("plan").Goto("review"), new NodeOptions { Destinations = ["review"] })
            .AddNode("write", _ => Say("write"))
            .AddNode("review", _ => Say("review"))
            .AddEdge(Graph.Start, "plan").AddEdge("plan", "write").AddEdge("write", Graph.End).AddEdge("review", Graph.End)
            .Compile(_saver);

        var ended = await ends.RunAsync(TestGraphs.Question(), RunConfig.ForThread("end"));
        var result = await both.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("both"));

        Assert.Equal(["hi", "nothing to do"], ended.State.Messages.Select(m => m.Content));
        Assert.Empty((await ends.GetStateAsync(RunConfig.ForThread("end")))!.Next);
        Assert.Equal(["hi", "plan"], result.Messages.Take(2).Select(m => m.Content));
        Assert.Equal(["review", "write"], result.Messages.Skip(2).Select(m => m.Content).Order()); // one step, in parallel
    }

    [Fact]
    public async Task Going_where_the_node_did_not_declare_fails_the_node_with_an_error_naming_both()
    {
        var graph = Triage(_ => Say("x").Goto("nowhere")).Compile(_saver);
        var undeclared = new StateGraph<ChatState>()
            .AddNode("a", _ => Say("a").Goto("b")).AddNode("b", _ => Say("b"))
            .AddEdge(Graph.Start, "a").AddEdge("a", Graph.End).AddEdge("b", Graph.End)
            .Compile(_saver);

        var error = await Assert.ThrowsAsync<InvalidUpdateException>(() => graph.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("t")));
        var none = await Assert.ThrowsAsync<InvalidUpdateException>(() => undeclared.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("u")));

        Assert.Equal("Node 'triage' sent the run to 'nowhere', which is not among its NodeOptions.Destinations [billing, support, __end__].", error.Message);
        Assert.Contains("declares no destinations: add NodeOptions.Destinations = [\"b\"", none.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", (await graph.GetStateAsync(RunConfig.ForThread("t")))!.Tasks[0].Error);
    }

    [Fact]
    public void Compile_checks_declared_destinations_and_counts_them_as_a_way_out()
    {
        var unknown = Assert.Throws<GraphValidationException>(() => new StateGraph<ChatState>()
            .AddNode("a", _ => Say("a"), new NodeOptions { Destinations = ["ghost"] })
            .AddEdge(Graph.Start, "a").Compile(_saver));

        Assert.Equal("Node 'a' declares destination 'ghost', which is not a node. Known nodes: a.", unknown.Message);
        Assert.Contains("n0 -.-> n1", Triage(_ => Say("x")).Compile(_saver).ToMermaid(), StringComparison.Ordinal);
        Assert.Equal("Update { Note = \"n\", Goto = [b, __end__] }", new Update<ChatState>().Set(s => s.Note, "n").Goto("b", Graph.End).ToString());
    }

    [Fact]
    public async Task A_saved_goto_is_honoured_when_the_step_is_resumed_after_a_parallel_node_failed()
    {
        var attempts = 0;
        var triageRuns = 0;
        var graph = new StateGraph<ChatState>()
            .AddNode("triage", _ =>
            {
                triageRuns++;
                return Say("triaged").Goto("billing");
            }, new NodeOptions { Destinations = ["billing"] })
            .AddNode("flaky", _ => ++attempts == 1 ? throw new IOException("blip") : Say("flaky"))
            .AddNode("billing", _ => Say("billing"))
            .AddEdge(Graph.Start, "triage").AddEdge(Graph.Start, "flaky").AddEdge("flaky", Graph.End).AddEdge("billing", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("t");

        await Assert.ThrowsAsync<IOException>(() => graph.InvokeAsync(TestGraphs.Question(), run));
        var result = await graph.InvokeAsync(null, run);

        Assert.Equal(1, triageRuns); // its writes, goto included, came from storage
        Assert.Equal("billing", result.Messages[^1].Content);
    }

    [Fact]
    public async Task A_host_running_tasks_one_by_one_follows_the_goto()
    {
        var graph = Triage(_ => Say("triaged").Goto("support")).Compile(_saver);

        var plan = await graph.Steps.StartAsync(TestGraphs.Question(), RunConfig.ForThread("host"));
        _ = await graph.Steps.RunTaskAsync(plan.Config, "triage");
        var next = await graph.Steps.CommitStepAsync(plan.Config);

        Assert.Equal(["support"], next.Next);
    }
}
