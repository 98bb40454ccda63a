using System.Collections.Concurrent;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class MapState
{
    public List<string> Topics { get; set; } = [];

    [Append]
    public List<string> Findings { get; set; } = [];

    public string? Summary { get; set; }
}

public sealed record Topic(string Name, int Depth);

/// <summary>Send: one task per item with its own argument (map), the writes merged by the reducers in Send order (reduce).</summary>
public sealed class SendTests
{
    private readonly InMemoryCheckpointSaver _saver = new();
    private readonly ConcurrentQueue<string> _ran = new();

    // plan -> one "research" task per topic -> summarize -> end.
    private StateGraph<MapState> MapReduce(Func<MapState, Topic, NodeContext, Task<Update<MapState>>>? research = null) => new StateGraph<MapState>()
        .AddNode("plan", s => new Update<MapState>().Set(x => x.Topics, [.. s.Topics.Select(t => t.ToUpperInvariant())]))
        .AddNode<Topic>("research", research ?? ((s, topic, ctx) =>
        {
            _ran.Enqueue(topic.Name);
            return Task.FromResult(new Update<MapState>().Append(x => x.Findings, [$"{topic.Name}:{topic.Depth}"]));
        }))
        .AddNode("summarize", s => new Update<MapState>().Set(x => x.Summary, string.Join(" | ", s.Findings)))
        .AddEdge(Graph.Start, "plan")
        .AddConditionalEdges("plan", s => s.Topics.Select((t, i) => new Send("research", new Topic(t, i))), ["research"])
        .AddEdge("research", "summarize")
        .AddEdge("summarize", Graph.End);

    private static MapState Input(params string[] topics) => new() { Topics = [.. topics] };

    [Fact]
    public async Task Each_send_runs_once_with_its_argument_and_the_writes_merge_in_send_order()
    {
        var graph = MapReduce().Compile(_saver);

        var result = await graph.InvokeAsync(Input("a", "b", "c"), RunConfig.ForThread("t"));

        Assert.Equal(["A:0", "B:1", "C:2"], result.Findings);
        Assert.Equal("A:0 | B:1 | C:2", result.Summary);
        Assert.Equal(["A", "B", "C"], _ran.Order());
        var history = await HistoryAsync(graph, RunConfig.ForThread("t"));
        var afterPlan = history.Single(s => s.Step == 0);
        Assert.Equal(["research", "research", "research"], afterPlan.Next);
        Assert.Equal([0, 1, 2], afterPlan.Tasks.Select(t => t.SendIndex));
        Assert.Equal(3, afterPlan.Tasks.Select(t => t.Id).Distinct().Count());
        Assert.Equal(["summarize"], history.Single(s => s.Step == 1).Next); // three tasks of one node lead on once
    }

    [Fact]
    public async Task The_reduce_order_is_the_send_order_whatever_order_the_tasks_finish_in()
    {
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource()).ToArray();
        var graph = MapReduce(async (s, topic, ctx) =>
        {
            await gates[topic.Depth].Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (topic.Depth > 0)
            {
                gates[topic.Depth - 1].SetResult(); // the last Send finishes first, the first one last
            }

            return new Update<MapState>().Append(x => x.Findings, [topic.Name]);
        }).Compile(_saver);
        gates[3].SetResult();

        var result = await graph.InvokeAsync(Input("w", "x", "y", "z"), RunConfig.ForThread("t"));

        Assert.Equal(["W", "X", "Y", "Z"], result.Findings);
    }

    [Fact]
    public async Task No_sends_schedule_nothing_and_sends_run_beside_the_next_nodes_of_other_edges()
    {
        var graph = new StateGraph<MapState>()
            .AddNode("plan", _ => new Update<MapState>())
            .AddNode<string>("echo", (s, text) => new Update<MapState>().Append(x => x.Findings, [text]))
            .AddNode("audit", _ => new Update<MapState>().Append(x => x.Findings, ["audit"]))
            .AddEdge(Graph.Start, "plan")
            .AddEdge("plan", "audit")
            .AddConditionalEdges("plan", s => s.Topics.Select(t => new Send("echo", t)))
            .AddEdge("echo", Graph.End).AddEdge("audit", Graph.End)
            .Compile(_saver);

        var none = await graph.InvokeAsync(Input(), RunConfig.ForThread("none"));
        var two = await graph.InvokeAsync(Input("p", "q"), RunConfig.ForThread("two"));

        Assert.Equal(["audit"], none.Findings);
        Assert.Equal(["audit", "p", "q"], two.Findings); // the edge's node first, then the Sends in order
        var afterPlan = (await HistoryAsync(graph, RunConfig.ForThread("two"))).Single(s => s.Step == 0);
        Assert.Equal(["audit", "echo", "echo"], afterPlan.Next);
    }

    [Fact]
    public async Task A_router_returning_an_empty_collection_literal_compiles_and_schedules_nothing()
    {
        var graph = new StateGraph<MapState>()
            .AddNode("plan", _ => new Update<MapState>().Set(x => x.Summary, "planned"))
            .AddNode<string>("echo", (s, text) => new Update<MapState>().Append(x => x.Findings, [text]))
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", _ => [])
            .AddConditionalEdges("plan", s => s.Topics.Count > 0 ? [new Send("echo", s.Topics[0])] : [])
            .AddEdge("echo", Graph.End)
            .Compile(_saver);

        var none = await graph.InvokeAsync(Input(), RunConfig.ForThread("none"));
        var one = await graph.InvokeAsync(Input("x"), RunConfig.ForThread("one"));

        Assert.Equal(("planned", 0), (none.Summary, none.Findings.Count));
        Assert.Equal(["x"], one.Findings);
    }

    [Fact]
    public async Task Sends_from_the_start_map_over_the_input()
    {
        var graph = new StateGraph<MapState>()
            .AddNode<string>("echo", (s, text) => new Update<MapState>().Append(x => x.Findings, [text + "!"]))
            .AddConditionalEdges(Graph.Start, s => s.Topics.Select(t => new Send("echo", t)))
            .AddEdge("echo", Graph.End)
            .Compile(_saver);

        var result = await graph.InvokeAsync(Input("a", "b"), RunConfig.ForThread("t"));

        Assert.Equal(["a!", "b!"], result.Findings);
    }

    [Fact]
    public async Task A_failed_send_leaves_the_finished_ones_saved_and_a_resume_runs_only_the_failed_one()
    {
        var failing = true;
        var graph = MapReduce((s, topic, ctx) =>
        {
            _ran.Enqueue(topic.Name);
            return topic.Name == "B" && failing
                ? throw new InvalidOperationException("search engine down")
                : Task.FromResult(new Update<MapState>().Append(x => x.Findings, [topic.Name]));
        }).Compile(_saver);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(Input("a", "b", "c"), RunConfig.ForThread("t")));
        var paused = await graph.GetStateAsync(RunConfig.ForThread("t"));
        failing = false;
        var result = await graph.InvokeAsync(null, RunConfig.ForThread("t"));

        Assert.Equal("search engine down", error.Message);
        Assert.Equal([true, false, true], paused!.Tasks.Select(t => t.Completed));
        Assert.Contains("search engine down", paused.Tasks[1].Error, StringComparison.Ordinal);
        Assert.Equal(["A", "B", "B", "C"], _ran.Order()); // A and C ran once; B again
        Assert.Equal(["A", "B", "C"], result.Findings);
    }

    [Fact]
    public async Task An_interrupt_in_one_send_pauses_the_run_and_its_resume_reruns_only_that_send()
    {
        var graph = MapReduce((s, topic, ctx) =>
        {
            _ran.Enqueue(topic.Name);
            var name = topic.Depth == 1 ? ctx.Interrupt<string>($"rename {topic.Name}?") : topic.Name;
            return Task.FromResult(new Update<MapState>().Append(x => x.Findings, [name]));
        }).Compile(_saver);

        var paused = await graph.RunAsync(Input("a", "b", "c"), RunConfig.ForThread("t"));
        var result = await graph.InvokeAsync(Command.ResumeEach(new Dictionary<string, object?> { [paused.Interrupts.Single().Id] = "bee" }), RunConfig.ForThread("t"));

        Assert.True(paused.IsInterrupted);
        Assert.Equal("rename B?", paused.Interrupts.Single().GetValue<string>());
        Assert.Equal(["A", "bee", "C"], result.Findings);
        Assert.Equal(["A", "B", "B", "C"], _ran.Order());
    }

    [Fact]
    public async Task Two_sends_writing_a_channel_without_reducer_fail_naming_both_tasks()
    {
        var graph = new StateGraph<MapState>()
            .AddNode<string>("name", (s, text) => new Update<MapState>().Set(x => x.Summary, text))
            .AddConditionalEdges(Graph.Start, s => s.Topics.Select(t => new Send("name", t)))
            .AddEdge("name", Graph.End)
            .Compile(_saver);

        var error = await Assert.ThrowsAsync<InvalidUpdateException>(() => graph.InvokeAsync(Input("a", "b"), RunConfig.ForThread("t")));

        Assert.Contains("Channel 'Summary' has no reducer but was written by 'name[0]' and 'name[1]'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_the_graph_cannot_run_fails_naming_the_edge_node_and_types()
    {
        StateGraph<MapState> Sending(Func<MapState, IEnumerable<Send>> router) => new StateGraph<MapState>()
            .AddNode("plain", _ => new Update<MapState>())
            .AddNode<Topic>("research", (s, t) => new Update<MapState>())
            .AddConditionalEdges(Graph.Start, router)
            .AddEdge("plain", Graph.End).AddEdge("research", Graph.End);

        var unknown = await Assert.ThrowsAsync<GraphValidationException>(() => Sending(_ => [new Send("ghost", 1)]).Compile(_saver).InvokeAsync(Input(), RunConfig.ForThread("a")));
        var plain = await Assert.ThrowsAsync<GraphValidationException>(() => Sending(_ => [new Send("plain", 1)]).Compile(_saver).InvokeAsync(Input(), RunConfig.ForThread("b")));
        var wrongType = await Assert.ThrowsAsync<GraphValidationException>(() => Sending(_ => [new Send("research", "text")]).Compile(_saver).InvokeAsync(Input(), RunConfig.ForThread("c")));
        var nullRouter = await Assert.ThrowsAsync<GraphValidationException>(() => Sending(_ => null!).Compile(_saver).InvokeAsync(Input(), RunConfig.ForThread("d")));

        Assert.StartsWith("The fan-out edge from '__start__' sent to unknown node 'ghost'.", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("The fan-out edge from '__start__' sent to 'plain', which takes no argument: add it with AddNode<TArg>.", plain.Message);
        Assert.Equal("The fan-out edge from '__start__' sent a String to 'research', which takes a Topic.", wrongType.Message);
        Assert.Contains("returned null instead of a list of Sends", nullRouter.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_refuses_plain_edges_to_argument_nodes_sends_to_plain_nodes_and_argument_nodes_writing_a_last_value_channel()
    {
        var byEdge = Assert.Throws<GraphValidationException>(() => new StateGraph<MapState>()
            .AddNode<string>("echo", (s, text) => new Update<MapState>())
            .AddEdge(Graph.Start, "echo").AddEdge("echo", Graph.End).Compile(_saver));
        var toPlain = Assert.Throws<GraphValidationException>(() => new StateGraph<MapState>()
            .AddNode("plain", _ => new Update<MapState>())
            .AddConditionalEdges(Graph.Start, _ => Array.Empty<Send>(), ["plain"]).AddEdge("plain", Graph.End).Compile(_saver));
        var lastValue = Assert.Throws<GraphValidationException>(() => new StateGraph<MapState>()
            .AddNode<string>("echo", (s, text) => new Update<MapState>(), new NodeOptions { Writes = ["Summary"] })
            .AddConditionalEdges(Graph.Start, s => s.Topics.Select(t => new Send("echo", t))).AddEdge("echo", Graph.End).Compile(_saver));

        Assert.StartsWith("Edge '__start__' -> 'echo' cannot give 'echo' its argument: reach it with Sends", byEdge.Message, StringComparison.Ordinal);
        Assert.Equal("The fan-out edge from '__start__' declares target 'plain', which takes no argument: Sends go to nodes added with AddNode<TArg>.", toPlain.Message);
        Assert.StartsWith("Channel 'Summary' has no reducer but is written by argument node 'echo'", lastValue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drawing_shows_a_fan_out_edge_as_sends()
    {
        var mermaid = MapReduce().Compile(_saver).ToMermaid();

        Assert.Contains("n0 -. Send .-> n1", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_runner_runs_each_send_by_its_task_id_and_commits_them_in_send_order()
    {
        var graph = MapReduce().Compile(_saver);
        var config = RunConfig.ForThread("t");
        var plan = await graph.Steps.StartAsync(Input("a", "b", "c"), config);
        _ = await graph.Steps.RunTaskAsync(plan.Config, "plan");
        plan = await graph.Steps.CommitStepAsync(plan.Config);
        var sends = plan.Tasks;
        foreach (var task in sends.Reverse())
        {
            Assert.Equal(TaskRunStatus.Completed, (await graph.Steps.RunTaskByIdAsync(plan.Config, task.Id)).Status);
        }

        var again = await graph.Steps.RunTaskByIdAsync(plan.Config, sends[0].Id);
        var byNode = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.Steps.RunTaskAsync(plan.Config, "research"));
        plan = await graph.Steps.CommitStepAsync(plan.Config);

        Assert.Equal([0, 1, 2], sends.Select(t => t.SendIndex));
        Assert.Equal(TaskRunStatus.AlreadyCompleted, again.Status);
        Assert.EndsWith("its Sends run by task id.", byNode.Message, StringComparison.Ordinal);
        Assert.Equal(["summarize"], plan.Next);
        Assert.Equal(["A:0", "B:1", "C:2"], (await graph.GetStateAsync(config))!.Values.Findings);
    }

    private static async Task<List<StateSnapshot<MapState>>> HistoryAsync(CompiledGraph<MapState> graph, RunConfig config)
    {
        var history = new List<StateSnapshot<MapState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(config))
        {
            history.Add(snapshot);
        }

        return history;
    }
}
