using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class StepRunnerTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task Running_piece_by_piece_gives_the_same_state_as_invoke()
    {
        var graph = TestGraphs.ChatLoop(6).Compile(_saver);
        var expected = await graph.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("whole"));

        var plan = await graph.Steps.StartAsync(TestGraphs.Question(), RunConfig.ForThread("pieces"));
        while (!plan.IsDone)
        {
            foreach (var node in plan.Next)
            {
                Assert.Equal(TaskRunStatus.Completed, (await graph.Steps.RunTaskAsync(plan.Config, node)).Status);
                Assert.Equal(TaskRunStatus.AlreadyCompleted, (await graph.Steps.RunTaskAsync(plan.Config, node)).Status);
            }

            var next = await graph.Steps.CommitStepAsync(plan.Config);
            Assert.Equal(next.CheckpointId, (await graph.Steps.CommitStepAsync(plan.Config)).CheckpointId); // idempotent
            plan = next;
        }

        var actual = (await graph.GetStateAsync(RunConfig.ForThread("pieces")))!.Values;
        Assert.Equal(expected.Messages, actual.Messages);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(7, (await TestGraphs.HistoryAsync(graph, RunConfig.ForThread("pieces"))).Count);
    }

    [Fact]
    public async Task Commit_before_every_task_completed_is_refused()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver);
        var plan = await graph.Steps.StartAsync(TestGraphs.Question(), RunConfig.ForThread("early"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => graph.Steps.CommitStepAsync(plan.Config));
        Assert.Contains("'agent'", error.Message);
    }

    [Fact]
    public async Task A_failing_task_saves_its_error_and_rethrows_and_an_interrupt_waits_for_resume()
    {
        var fail = true;
        var graph = new StateGraph<ChatState>()
            .AddNode("ask", (s, ctx) =>
            {
                if (fail)
                {
                    fail = false;
                    throw new TimeoutException("flaky");
                }

                var answer = ctx.Interrupt<string>("continue?");
                return Task.FromResult(new Update<ChatState>().Set(x => x.Note, answer));
            })
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(_saver);
        var plan = await graph.Steps.StartAsync(new ChatState(), RunConfig.ForThread("pieces-int"));

        await Assert.ThrowsAsync<TimeoutException>(() => graph.Steps.RunTaskAsync(plan.Config, "ask"));
        Assert.Contains("flaky", (await graph.GetStateAsync(plan.Config))!.Tasks.Single().Error);

        var interrupted = await graph.Steps.RunTaskAsync(plan.Config, "ask");
        Assert.Equal(TaskRunStatus.Interrupted, interrupted.Status);
        Assert.Equal("continue?", Assert.Single(interrupted.Interrupts).GetValue<string>());
        Assert.Single((await graph.Steps.PlanAsync(plan.Config))!.Interrupts);

        await graph.Steps.ResumeAsync(plan.Config, Command.Resume("yes"));
        Assert.Equal(TaskRunStatus.Completed, (await graph.Steps.RunTaskAsync(plan.Config, "ask")).Status);
        var done = await graph.Steps.CommitStepAsync(plan.Config);

        Assert.True(done.IsDone);
        Assert.Equal("yes", (await graph.GetStateAsync(done.Config))!.Values.Note);
    }
}
