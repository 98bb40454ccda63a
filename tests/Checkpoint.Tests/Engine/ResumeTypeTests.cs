using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>A resume value of the wrong type is an error the caller can fix: the interrupt stays pending.</summary>
public sealed class ResumeTypeTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    private CompiledGraph<ChatState> ConfirmGraph() =>
        new StateGraph<ChatState>()
            .AddNode("confirm", (s, ctx) =>
            {
                var approved = ctx.Interrupt<bool>("Send it?");
                return Task.FromResult(new Update<ChatState>().Set(x => x.Note, approved ? "sent" : "discarded"));
            })
            .AddEdge(Graph.Start, "confirm").AddEdge("confirm", Graph.End)
            .Compile(_saver);

    [Theory]
    [InlineData(Durability.Sync)]
    [InlineData(Durability.Async)]
    [InlineData(Durability.Exit)]
    public async Task A_resume_of_the_wrong_type_names_node_and_types_and_a_correct_resume_then_completes(Durability durability)
    {
        var graph = ConfirmGraph();
        var run = RunConfig.ForThread("wrong-type") with { Durability = durability };
        await graph.InvokeAsync(new ChatState(), run);
        var interrupted = (await graph.GetStateAsync(run))!;

        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => graph.InvokeAsync(Command.Resume("yes"), run));

        Assert.Contains("'confirm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains("String", error.Message, StringComparison.Ordinal);
        Assert.Equal("wrong-type", error.ThreadId);
        Assert.Equal(interrupted.CheckpointId, error.CheckpointId);
        Assert.Contains(interrupted.CheckpointId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(SpecialChannels.Resume, error.Channel);

        var pending = (await graph.GetStateAsync(run))!;
        Assert.Equal(interrupted.CheckpointId, pending.CheckpointId);
        Assert.Equal("Send it?", Assert.Single(pending.Interrupts).GetValue<string>());

        var final = await graph.InvokeAsync(Command.Resume(true), run);

        Assert.Equal("sent", final.Note);
        Assert.Empty((await graph.GetStateAsync(run))!.Interrupts);
    }

    [Fact]
    public async Task A_wrong_second_answer_keeps_the_first_one()
    {
        var asked = new List<string>();
        var graph = new StateGraph<ChatState>()
            .AddNode("ask", (s, ctx) =>
            {
                var name = ctx.Interrupt<string>("name?");
                var age = ctx.Interrupt<int>("age?");
                asked.Add(name);
                return Task.FromResult(new Update<ChatState>().Set(x => x.Note, $"{name} is {age}"));
            })
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("second");
        await graph.InvokeAsync(new ChatState(), run);
        await graph.InvokeAsync(Command.Resume("Ada"), run);

        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => graph.InvokeAsync(Command.Resume("thirty-six"), run));

        Assert.Contains("Int32", error.Message, StringComparison.Ordinal);
        Assert.Equal("age?", Assert.Single((await graph.GetStateAsync(run))!.Interrupts).GetValue<string>());
        Assert.Equal("Ada is 36", (await graph.InvokeAsync(Command.Resume(36), run)).Note);
        Assert.Equal(["Ada"], asked);
    }

    [Fact]
    public async Task Piece_by_piece_a_wrong_resume_fails_the_task_and_leaves_the_interrupt_pending()
    {
        var graph = ConfirmGraph();
        var run = RunConfig.ForThread("steps");
        var plan = await graph.Steps.StartAsync(new ChatState(), run);
        Assert.Equal(TaskRunStatus.Interrupted, (await graph.Steps.RunTaskAsync(plan.Config, "confirm")).Status);

        await graph.Steps.ResumeAsync(plan.Config, Command.Resume(42));
        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => graph.Steps.RunTaskAsync(plan.Config, "confirm"));

        Assert.Contains("an integer", error.Message, StringComparison.Ordinal); // another process saved it: described from the bytes
        Assert.Single((await graph.GetStateAsync(run))!.Interrupts);
        await graph.Steps.ResumeAsync(plan.Config, Command.Resume(false));
        Assert.Equal(TaskRunStatus.Completed, (await graph.Steps.RunTaskAsync(plan.Config, "confirm")).Status);
        await graph.Steps.CommitStepAsync(plan.Config);
        Assert.Equal("discarded", (await graph.GetStateAsync(run))!.Values.Note);
    }
}
