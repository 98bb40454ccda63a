using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class RunTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task Invoke_runs_to_the_end_with_a_checkpoint_per_superstep()
    {
        var graph = TestGraphs.ChatLoop(6).Compile(_saver);
        var run = RunConfig.ForThread("t1");

        var final = await graph.InvokeAsync(TestGraphs.Question(), run);

        Assert.Equal(6, final.Step);
        Assert.Equal(["user", "assistant", "tool", "assistant", "tool", "assistant", "tool"], final.Messages.Select(m => m.Role));
        var history = await TestGraphs.HistoryAsync(graph, run);
        Assert.Equal(7, history.Count); // input checkpoint + 6 supersteps
        Assert.Equal([5, 4, 3, 2, 1, 0, -1], history.Select(h => h.Step));
        Assert.Equal(CheckpointSource.Input, history[^1].Source);
        Assert.All(history.Take(6), h => Assert.Equal(CheckpointSource.Loop, h.Source));
        for (var i = 0; i < history.Count - 1; i++)
        {
            Assert.Equal(history[i + 1].CheckpointId, history[i].ParentConfig!.CheckpointId);
            Assert.True(history[i].CheckpointId.CompareTo(history[i + 1].CheckpointId) > 0);
            Assert.Equal(7 - i, history[i].Values.Messages.Count);
        }

        Assert.Empty(history[0].Next);
        Assert.Equal(["tool"], history[1].Next);
    }

    [Fact]
    public async Task Only_changed_channels_get_new_versions_and_appends_add_one_chunk()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("talk", s => new Update<ChatState>().Set(x => x.Messages, [new Message("assistant", "x")]))
            .AddNode("count", s => new Update<ChatState>().Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "talk").AddEdge("talk", "count").AddEdge("count", Graph.End)
            .Compile(_saver);
        await graph.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("v"));

        var records = (await TestGraphs.ListAsync(_saver, "v")).Select(t => t.Checkpoint).Reverse().ToList();
        var (input, afterTalk, afterCount) = (records[0], records[1], records[2]);
        Assert.Equal(input.Channels["Messages"].Version + 1, afterTalk.Channels["Messages"].Version);
        // unchanged: same version and the same chunks, nothing new stored
        Assert.Equal(afterTalk.Channels["Messages"].Version, afterCount.Channels["Messages"].Version);
        Assert.Equal(afterTalk.Channels["Messages"].Runs, afterCount.Channels["Messages"].Runs);
        Assert.False(afterTalk.Channels.ContainsKey("Step"));
        Assert.Equal(1, afterCount.Channels["Step"].Version);

        // The message list grows in one blob: the appended item is one new chunk, the earlier one is shared.
        var run = Assert.Single(afterTalk.Channels["Messages"].Runs);
        Assert.Equal(2, run.End);
        var chunks = await _saver.ReadChunksAsync("v", "", [run]);
        Assert.Equal([0, 1], chunks.Select(c => c.Sequence));
        Assert.Equal(["talk"], afterTalk.VersionsSeen.Keys);
        Assert.Equal(input.Channels["Messages"].Version, afterTalk.VersionsSeen["talk"]["Messages"]);
    }

    [Fact]
    public async Task Parallel_nodes_run_in_one_superstep_and_merge_in_node_order()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("fan", s => new Update<ChatState>())
            .AddNode("a", async s => { await Task.Delay(30); return new Update<ChatState>().Set(x => x.Messages, [new Message("a", "1")]); })
            .AddNode("b", s => new Update<ChatState>().Set(x => x.Messages, [new Message("b", "2")]))
            .AddNode("c", s => new Update<ChatState>().Set(x => x.Messages, [new Message("c", "3")]))
            .AddEdge(Graph.Start, "fan")
            .AddEdge("fan", "a").AddEdge("fan", "b").AddEdge("fan", "c")
            .AddEdge("a", Graph.End).AddEdge("b", Graph.End).AddEdge("c", Graph.End)
            .Compile(_saver);

        var final = await graph.InvokeAsync(new ChatState(), RunConfig.ForThread("p"));

        Assert.Equal(["a", "b", "c"], final.Messages.Select(m => m.Role));
        Assert.Equal(3, (await TestGraphs.HistoryAsync(graph, RunConfig.ForThread("p"))).Count); // input, fan, {a,b,c}
    }

    [Fact]
    public async Task Invoke_returns_its_task_before_a_synchronous_first_node_runs()
    {
        using var gate = new ManualResetEventSlim();
        var graph = new StateGraph<ChatState>()
            .AddNode("wait", s => gate.Wait(TimeSpan.FromSeconds(30)) ? new Update<ChatState>().Set(x => x.Step, 1) : throw new TimeoutException("never released"))
            .AddNode("count", s => new Update<ChatState>().Set(x => x.Step, s.Step + 1))
            .AddEdge(Graph.Start, "wait").AddEdge("wait", "count").AddEdge("count", Graph.End)
            .Compile(_saver);

        var running = graph.InvokeAsync(new ChatState(), RunConfig.ForThread("blocking-first-node"));

        Assert.False(running.IsCompleted);
        gate.Set();
        Assert.Equal(2, (await running).Step);
    }

    [Fact]
    public async Task Synchronous_parallel_nodes_of_a_later_step_start_together()
    {
        // Each node waits for the other inside its (synchronous) body: run one after the other, both would time out.
        using var both = new Barrier(2);
        Update<ChatState> Meet(string role) => both.SignalAndWait(TimeSpan.FromSeconds(30))
            ? new Update<ChatState>().Set(x => x.Messages, [new Message(role, "met")])
            : throw new TimeoutException($"{role} ran alone");
        var graph = new StateGraph<ChatState>()
            .AddNode("first", s => new Update<ChatState>().Set(x => x.Step, 1))
            .AddNode("second", s => new Update<ChatState>().Set(x => x.Step, 2))
            .AddNode("a", s => Meet("a"))
            .AddNode("b", s => Meet("b"))
            .AddEdge(Graph.Start, "first").AddEdge("first", "second")
            .AddEdge("second", "a").AddEdge("second", "b")
            .AddEdge("a", Graph.End).AddEdge("b", Graph.End)
            .Compile(_saver);

        var final = await graph.InvokeAsync(new ChatState(), RunConfig.ForThread("meet"));

        Assert.Equal(["a", "b"], final.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Two_parallel_writers_of_a_last_value_channel_fail_at_run_time()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("a", s => new Update<ChatState>().Set(x => x.Note, "a"))
            .AddNode("b", s => new Update<ChatState>().Set(x => x.Note, "b"))
            .AddEdge(Graph.Start, "a").AddEdge(Graph.Start, "b")
            .AddEdge("a", Graph.End).AddEdge("b", Graph.End)
            .Compile(_saver);
        var error = await Assert.ThrowsAsync<InvalidUpdateException>(() => graph.InvokeAsync(new ChatState(), RunConfig.ForThread("lv")));
        Assert.Contains("'Note'", error.Message);
    }

    [Fact]
    public async Task Writing_an_unknown_channel_names_it()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("a", s => new Update<ChatState>().Set("Bogus", 1))
            .AddEdge(Graph.Start, "a").AddEdge("a", Graph.End)
            .Compile(_saver);
        var error = await Assert.ThrowsAsync<InvalidUpdateException>(() => graph.InvokeAsync(new ChatState(), RunConfig.ForThread("u")));
        Assert.Contains("'Bogus'", error.Message);
    }

    [Fact]
    public async Task When_one_of_three_parallel_nodes_throws_the_others_do_not_run_again_on_resume()
    {
        var calls = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var failC = true;
        Func<ChatState, Update<ChatState>> Node(string name) => s =>
        {
            lock (calls)
            {
                calls[name]++;
            }

            if (name == "c" && failC)
            {
                throw new InvalidOperationException("tool backend down");
            }

            return new Update<ChatState>().Set(x => x.Messages, [new Message(name, "done")]);
        };
        var graph = new StateGraph<ChatState>()
            .AddNode("a", Node("a")).AddNode("b", Node("b")).AddNode("c", Node("c"))
            .AddEdge(Graph.Start, "a").AddEdge(Graph.Start, "b").AddEdge(Graph.Start, "c")
            .AddEdge("a", Graph.End).AddEdge("b", Graph.End).AddEdge("c", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("crashy");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(new ChatState(), run));
        Assert.Equal("tool backend down", error.Message);
        var stuck = await graph.GetStateAsync(run);
        Assert.Equal(["a", "b", "c"], stuck!.Next);
        Assert.Equal([true, true, false], stuck.Tasks.Select(t => t.Completed));
        Assert.Contains("tool backend down", stuck.Tasks[2].Error);

        failC = false;
        var final = await graph.InvokeAsync(null, run);

        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 2 }, calls);
        Assert.Equal(["a", "b", "c"], final.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task A_stopped_run_resumes_from_its_last_checkpoint()
    {
        var fail = true;
        var graph = TestGraphs.ChatLoop(6, node =>
        {
            if (node == "tool" && fail)
            {
                fail = false;
                throw new TimeoutException("model timed out");
            }
        }).Compile(_saver);
        var run = RunConfig.ForThread("resume");
        await Assert.ThrowsAsync<TimeoutException>(() => graph.InvokeAsync(TestGraphs.Question(), run));
        Assert.Equal(1, (await graph.GetStateAsync(run))!.Values.Step);

        var final = await graph.InvokeAsync(null, run);

        Assert.Equal(6, final.Step);
        Assert.Equal(7, final.Messages.Count);
    }

    [Fact]
    public async Task Continuing_a_thread_without_checkpoint_is_a_clear_error()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(null, RunConfig.ForThread("empty")));
        Assert.Contains("'empty'", error.Message);
    }

    [Fact]
    public async Task Wrong_input_type_is_a_clear_error()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => graph.InvokeAsync("hello", RunConfig.ForThread("x")));
        Assert.Contains("ChatState", error.Message);
    }

    [Fact]
    public async Task Recursion_limit_stops_a_run_that_does_not_end()
    {
        var graph = TestGraphs.ChatLoop(1_000).Compile(_saver);
        var run = RunConfig.ForThread("loop") with { RecursionLimit = 5 };
        var error = await Assert.ThrowsAsync<GraphRecursionException>(() => graph.InvokeAsync(TestGraphs.Question(), run));
        Assert.Equal(5, error.Limit);
        Assert.Equal(5, (await graph.GetStateAsync(run))!.Values.Step);
    }

    [Fact]
    public async Task Cancellation_leaves_the_last_checkpoint_consistent_and_resumable()
    {
        using var cancel = new CancellationTokenSource();
        var graph = new StateGraph<ChatState>()
            .AddNode("first", s => new Update<ChatState>().Set(x => x.Step, 1))
            .AddNode("slow", async (s, ctx) =>
            {
                if (s.Note is null && !ctx.CancellationToken.IsCancellationRequested)
                {
                    await cancel.CancelAsync();
                }

                ctx.CancellationToken.ThrowIfCancellationRequested();
                return new Update<ChatState>().Set(x => x.Step, 2);
            })
            .AddEdge(Graph.Start, "first").AddEdge("first", "slow").AddEdge("slow", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("cancel");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => graph.InvokeAsync(new ChatState(), run, cancel.Token));

        var state = await graph.GetStateAsync(run);
        Assert.Equal(1, state!.Values.Step);
        Assert.Equal(["slow"], state.Next);
        var final = await graph.InvokeAsync(null, run);
        Assert.Equal(2, final.Step);
    }

    [Fact]
    public async Task Stream_yields_node_updates_and_full_values_per_step()
    {
        var graph = TestGraphs.ChatLoop(3).Compile(_saver);
        var events = new List<GraphEvent<ChatState>>();
        await foreach (var e in graph.StreamAsync(TestGraphs.Question(), RunConfig.ForThread("s")))
        {
            events.Add(e);
        }

        Assert.Equal(["agent", "tool", "agent"], events.OfType<NodeUpdated<ChatState>>().Select(e => e.Node));
        var steps = events.OfType<StepCompleted<ChatState>>().ToList();
        Assert.Equal([-1, 0, 1, 2], steps.Select(s => s.Step));
        Assert.Equal([1, 2, 3, 4], steps.Select(s => s.Values.Messages.Count));
        Assert.Equal("t2", ((IEnumerable<Message>)events.OfType<NodeUpdated<ChatState>>().ElementAt(1).Update.Writes[0].Value!).Single().Content);
    }

    [Fact]
    public async Task New_input_on_an_existing_thread_appends_through_the_reducer()
    {
        var graph = TestGraphs.ChatLoop(1).Compile(_saver);
        var run = RunConfig.ForThread("turns");
        await graph.InvokeAsync(TestGraphs.Question("first"), run);
        var second = await graph.InvokeAsync(TestGraphs.Question("second"), run);

        Assert.Equal(["first", "a1", "second", "a2"], second.Messages.Select(m => m.Content));
    }
}
