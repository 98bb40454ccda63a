using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class TimeTravelTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task GetState_reads_latest_a_given_checkpoint_and_any_checkpoint_by_id_alone()
    {
        var graph = TestGraphs.ChatLoop(4).Compile(_saver);
        var run = RunConfig.ForThread("tt");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        var history = await TestGraphs.HistoryAsync(graph, run);
        var middle = history[2];

        var latest = await graph.GetStateAsync(run);
        var byConfig = await graph.GetStateAsync(run.AtCheckpoint(middle.CheckpointId));
        var byIdAsync = await graph.GetStateAsync(middle.CheckpointId);
        var byId = graph.GetState(middle.CheckpointId);

        Assert.Equal(4, latest!.Values.Step);
        Assert.Equal(history[0].CheckpointId, latest.CheckpointId);
        foreach (var snapshot in new[] { byConfig, byIdAsync, byId })
        {
            Assert.Equal(middle.CheckpointId, snapshot!.CheckpointId);
            Assert.Equal(2, snapshot.Values.Step);
            Assert.Equal(["hi", "a1", "t2"], snapshot.Values.Messages.Select(m => m.Content));
            Assert.Equal("tt", snapshot.Config.ThreadId);
        }

        Assert.Null(graph.GetState(Guid.CreateVersion7()));
        Assert.Null(await graph.GetStateAsync(RunConfig.ForThread("nobody")));
    }

    [Fact]
    public async Task History_filters_by_metadata_before_and_limit()
    {
        var graph = TestGraphs.ChatLoop(3).Compile(_saver);
        var run = RunConfig.ForThread("h");
        await graph.InvokeAsync(TestGraphs.Question(), run with { Metadata = new Dictionary<string, string> { ["user"] = "ada" } });
        await graph.InvokeAsync(TestGraphs.Question(), run with { Metadata = new Dictionary<string, string> { ["user"] = "bob" } });

        var all = await TestGraphs.HistoryAsync(graph, run);
        var ada = await TestGraphs.HistoryAsync(graph, run, new HistoryFilter { Metadata = new Dictionary<string, string> { ["user"] = "ada" } });
        var limited = await TestGraphs.HistoryAsync(graph, run, new HistoryFilter { Limit = 2 });
        var before = await TestGraphs.HistoryAsync(graph, run, new HistoryFilter { Before = all[1].CheckpointId, Limit = 3 });

        Assert.Equal(6, all.Count); // 4 for the first run (input + 3 steps); the second input ends at once: input + 1 step
        Assert.Equal(4, ada.Count);
        Assert.All(ada, s => Assert.Equal("ada", s.Metadata["user"]));
        Assert.Equal(all.Take(2).Select(s => s.CheckpointId), limited.Select(s => s.CheckpointId));
        Assert.Equal(all.Skip(2).Take(3).Select(s => s.CheckpointId), before.Select(s => s.CheckpointId));
    }

    [Fact]
    public async Task UpdateState_on_a_past_checkpoint_forks_and_the_old_branch_stays_intact()
    {
        var graph = TestGraphs.ChatLoop(4).Compile(_saver);
        var run = RunConfig.ForThread("fork");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        var original = await TestGraphs.HistoryAsync(graph, run);
        var past = original.Single(s => s.Step == 0); // after the first agent step; tool is next

        var fork = await graph.UpdateStateAsync(
            past.Config, new Update<ChatState>().Set(s => s.Messages, [new Message("tool", "edited")]), asNode: "tool");
        var forkSnapshot = await graph.GetStateAsync(fork);
        Assert.Equal(CheckpointSource.Update, forkSnapshot!.Source);
        Assert.Equal(past.CheckpointId, forkSnapshot.ParentConfig!.CheckpointId);
        Assert.Equal(["agent"], forkSnapshot.Next);

        var forked = await graph.InvokeAsync(null, fork);

        Assert.Equal(["hi", "a1", "edited", "a2", "t3", "a4"], forked.Messages.Select(m => m.Content));
        var oldLatest = await graph.GetStateAsync(run.AtCheckpoint(original[0].CheckpointId));
        Assert.Equal(["hi", "a1", "t2", "a3", "t4"], oldLatest!.Values.Messages.Select(m => m.Content));
        foreach (var snapshot in original)
        {
            var reread = await graph.GetStateAsync(snapshot.CheckpointId);
            Assert.Equal(snapshot.Values.Messages, reread!.Values.Messages);
        }
    }

    [Fact]
    public async Task Invoking_from_a_past_checkpoint_replays_into_a_new_branch()
    {
        var calls = 0;
        var graph = TestGraphs.ChatLoop(4, _ => calls++).Compile(_saver);
        var run = RunConfig.ForThread("replay");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        var history = await TestGraphs.HistoryAsync(graph, run);
        var past = history.Single(s => s.Step == 1);
        calls = 0;

        var replayed = await graph.InvokeAsync(null, past.Config);

        Assert.Equal(2, calls); // steps 2 and 3 ran again
        Assert.Equal(history[0].Values.Messages, replayed.Messages);
        var after = await TestGraphs.HistoryAsync(graph, run);
        Assert.Equal(history.Count + 2, after.Count);
        Assert.Equal(past.CheckpointId, after.Single(s => s.Step == 2 && s.CheckpointId != history.Single(h => h.Step == 2).CheckpointId).ParentConfig!.CheckpointId);
    }

    [Fact]
    public async Task UpdateState_without_node_keeps_next_nodes_and_a_following_run_uses_the_update()
    {
        var graph = TestGraphs.ChatLoop(3).Compile(_saver, new CompileOptions { InterruptBefore = ["tool"] });
        var run = RunConfig.ForThread("edit");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        Assert.Equal(["tool"], (await graph.GetStateAsync(run))!.Next);

        await graph.UpdateStateAsync(run, new Update<ChatState>().Set(s => s.Note, "approved by human"));
        var snapshot = await graph.GetStateAsync(run);
        Assert.Equal(["tool"], snapshot!.Next);
        Assert.Equal("approved by human", snapshot.Values.Note);
        Assert.Empty(snapshot.Interrupts);

        var final = await graph.InvokeAsync(null, run);
        Assert.Equal("approved by human", final.Note);
        Assert.Equal(3, final.Step); // tool and agent ran; agent ended the run
    }

    [Fact]
    public async Task UpdateState_with_unknown_node_is_refused()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver);
        await Assert.ThrowsAsync<GraphValidationException>(() =>
            graph.UpdateStateAsync(RunConfig.ForThread("x"), new Update<ChatState>(), asNode: "ghost"));
    }

    [Fact]
    public async Task Restoring_an_old_checkpoint_returns_old_values_even_after_live_objects_changed()
    {
        var shared = new List<Message> { new("user", "original") };
        var graph = new StateGraph<ChatState>()
            .AddNode("first", s => new Update<ChatState>().Set(x => x.Messages, shared))
            .AddNode("vandal", s =>
            {
                shared.Clear(); // mutates the object an earlier step wrote
                shared.Add(new Message("user", "rewritten"));
                s.Messages.Clear();
                return new Update<ChatState>().Set(x => x.Step, 1);
            })
            .AddEdge(Graph.Start, "first").AddEdge("first", "vandal").AddEdge("vandal", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("bytes");
        await graph.InvokeAsync(new ChatState(), run);

        var afterFirst = (await TestGraphs.HistoryAsync(graph, run)).Single(s => s.Step == 0);

        Assert.Equal(["original"], afterFirst.Values.Messages.Select(m => m.Content));
    }
}
