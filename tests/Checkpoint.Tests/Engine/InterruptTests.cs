using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed record Approval(bool Approved, string Reviewer);

public sealed class InterruptTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task Interrupt_before_stops_with_a_checkpoint_and_resumes_with_null_input()
    {
        var graph = TestGraphs.ChatLoop(4).Compile(_saver, new CompileOptions { InterruptBefore = ["tool"] });
        var run = RunConfig.ForThread("before");

        var stopped = await graph.InvokeAsync(TestGraphs.Question(), run);

        Assert.Equal(1, stopped.Step);
        var snapshot = await graph.GetStateAsync(run);
        Assert.Equal(["tool"], snapshot!.Next);
        var interrupt = Assert.Single(snapshot.Interrupts);
        Assert.Equal(InterruptKind.Before, interrupt.Kind);
        Assert.Equal("tool", interrupt.Node);

        var resumed = await graph.InvokeAsync(null, run);
        Assert.Equal(3, resumed.Step); // tool and agent ran, stopped before the next tool
    }

    [Fact]
    public async Task Interrupt_after_stops_after_the_node()
    {
        var graph = TestGraphs.ChatLoop(4).Compile(_saver, new CompileOptions { InterruptAfter = ["agent"] });
        var run = RunConfig.ForThread("after");

        var stopped = await graph.InvokeAsync(TestGraphs.Question(), run);

        Assert.Equal(1, stopped.Step);
        var snapshot = await graph.GetStateAsync(run);
        Assert.Equal(InterruptKind.After, Assert.Single(snapshot!.Interrupts).Kind);
        Assert.Equal(["tool"], snapshot.Next);
        Assert.Equal(3, (await graph.InvokeAsync(null, run)).Step);
    }

    [Fact]
    public async Task Dynamic_interrupt_shows_its_value_and_resume_returns_the_value_to_the_node()
    {
        var toolRuns = 0;
        var graph = new StateGraph<ChatState>()
            .AddNode("draft", s => new Update<ChatState>().Set(x => x.Note, "draft email"))
            .AddNode("review", (s, ctx) =>
            {
                toolRuns++;
                var approval = ctx.Interrupt<Approval>(new { Question = "Send it?", Draft = s.Note });
                return Task.FromResult(new Update<ChatState>().Set(x => x.Note, approval.Approved ? $"sent ({approval.Reviewer})" : "discarded"));
            })
            .AddEdge(Graph.Start, "draft").AddEdge("draft", "review").AddEdge("review", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("dyn");

        var events = new List<GraphEvent<ChatState>>();
        await foreach (var e in graph.StreamAsync(new ChatState(), run))
        {
            events.Add(e);
        }

        var interrupted = Assert.IsType<RunInterrupted<ChatState>>(events[^1]);
        Assert.Equal("review", Assert.Single(interrupted.Interrupts).Node);
        var snapshot = await graph.GetStateAsync(run);
        Assert.Equal(["review"], snapshot!.Next);
        var pending = Assert.Single(snapshot.Interrupts);
        Assert.Equal(InterruptKind.Dynamic, pending.Kind);
        var shown = pending.GetValue<Dictionary<string, string>>()!;
        Assert.Equal("Send it?", shown["Question"]);
        Assert.Equal("draft email", shown["Draft"]);
        Assert.Single(Assert.Single(snapshot.Tasks).Interrupts);

        var final = await graph.InvokeAsync(Command.Resume(new Approval(true, "ada")), run);

        Assert.Equal("sent (ada)", final.Note);
        Assert.Equal(2, toolRuns); // the interrupted node runs again from its start
        Assert.Empty((await graph.GetStateAsync(run))!.Interrupts);
    }

    [Fact]
    public async Task Resume_without_pending_interrupt_is_a_clear_error()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver);
        var run = RunConfig.ForThread("none");
        await graph.InvokeAsync(TestGraphs.Question(), run);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(Command.Resume(1), run));
        Assert.Contains("no pending interrupt", error.Message);
    }

    [Fact]
    public async Task Two_interrupts_in_one_node_are_resumed_one_after_the_other()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("ask", (s, ctx) =>
            {
                var name = ctx.Interrupt<string>("name?");
                var city = ctx.Interrupt<string>("city?");
                return Task.FromResult(new Update<ChatState>().Set(x => x.Note, $"{name} from {city}"));
            })
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("two");
        await graph.InvokeAsync(new ChatState(), run);
        Assert.Equal("name?", Assert.Single((await graph.GetStateAsync(run))!.Interrupts).GetValue<string>());

        await graph.InvokeAsync(Command.Resume("Ada"), run);
        Assert.Equal("city?", Assert.Single((await graph.GetStateAsync(run))!.Interrupts).GetValue<string>());

        var final = await graph.InvokeAsync(Command.Resume("London"), run);
        Assert.Equal("Ada from London", final.Note);
    }

    [Fact]
    public async Task Reading_an_interrupt_value_as_the_wrong_type_names_its_thread_and_checkpoint()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("ask", (s, ctx) => Task.FromResult(new Update<ChatState>().Set(x => x.Note, ctx.Interrupt<string>("name?"))))
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("typed");
        await graph.InvokeAsync(new ChatState(), run);
        var snapshot = (await graph.GetStateAsync(run))!;

        var error = Assert.Throws<Checkpoint.Serialization.IncompatibleCheckpointException>(() => Assert.Single(snapshot.Interrupts).GetValue<List<int>>());

        Assert.Equal("typed", error.ThreadId);
        Assert.Equal(snapshot.CheckpointId, error.CheckpointId);
        Assert.Equal("__interrupt__", error.Channel);
    }
}
