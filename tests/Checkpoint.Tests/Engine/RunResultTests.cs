using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>RunAsync says where the run stopped and why, so a caller resumes without reading the snapshot.</summary>
public sealed class RunResultTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task A_paused_run_returns_its_interrupt_and_checkpoint_and_the_resumed_run_returns_the_end()
    {
        var graph = new StateGraph<LogState>()
            .AddNode("ask", (s, ctx) => new Update<LogState>().Append(x => x.Log, ctx.Interrupt<string>(new { Question = "name?" })))
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("t") with { SubjectId = "ana" };

        var paused = await graph.RunAsync(new LogState(), run);

        var snapshot = (await graph.GetStateAsync(run))!;
        Assert.True(paused.IsInterrupted);
        Assert.Equal(snapshot.Config.CheckpointId, paused.Config.CheckpointId);
        Assert.Equal(("t", "ana", snapshot.Step), (paused.Config.ThreadId, paused.Config.SubjectId, paused.Step));
        Assert.Equal(snapshot.Interrupts.Select(i => i.Id), paused.Interrupts.Select(i => i.Id));
        Assert.Equal("ask", Assert.Single(paused.Interrupts).Node);

        var done = await graph.RunAsync(Command.ResumeEach(new Dictionary<string, object?> { [paused.Interrupts[0].Id] = "Ada" }), paused.Config with { CheckpointId = null });

        Assert.False(done.IsInterrupted);
        Assert.Equal(["Ada"], done.State.Log);
        Assert.Equal((await graph.GetStateAsync(run))!.Config.CheckpointId, done.Config.CheckpointId);
    }
}
