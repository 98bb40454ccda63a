using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Run-end handlers: called once a run reaches the end of the graph, with its final state, never for a stop.</summary>
public sealed class RunEndedTests
{
    private readonly InMemoryCheckpointSaver _saver = new();
    private readonly List<RunEnded> _ended = [];

    private CompileOptions Recording(CompileOptions? options = null) =>
        (options ?? new CompileOptions()).OnRunEnded((ended, _) =>
        {
            _ended.Add(ended);
            return Task.CompletedTask;
        });

    [Fact]
    public async Task A_run_that_reaches_the_end_calls_the_handlers_in_order_with_its_final_checkpoint_and_state()
    {
        var order = new List<string>();
        var options = new CompileOptions()
            .OnRunEnded((_, _) => { order.Add("first"); return Task.CompletedTask; })
            .OnRunEnded((_, _) => { order.Add("second"); return Task.CompletedTask; });
        var graph = TestGraphs.ChatLoop(2).Compile(_saver, Recording(options));
        var run = RunConfig.ForThread("t") with { SubjectId = "ana" };

        var result = await graph.InvokeAsync(TestGraphs.Question(), run);

        var ended = Assert.Single(_ended);
        var latest = (await graph.GetStateAsync(run))!;
        Assert.Equal(["first", "second"], order);
        Assert.Equal((latest.Config.CheckpointId, latest.Step, "t", "ana"), ((Guid?)ended.CheckpointId, ended.Step, ended.Config.ThreadId, ended.Config.SubjectId));
        Assert.Equal(result.Messages, ended.GetState<ChatState>().Messages);
        Assert.NotSame(result, ended.State); // the handler's copy is its own
        var wrongType = Assert.Throws<InvalidOperationException>(() => ended.GetState<LogState>());
        Assert.Contains("ChatState, not LogState", wrongType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_run_ends_only_when_resumed_to_the_end_and_continuing_an_ended_thread_is_no_new_end()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver, Recording(new CompileOptions { InterruptBefore = ["tool"] }));
        var run = RunConfig.ForThread("stops");

        await graph.InvokeAsync(TestGraphs.Question(), run);
        Assert.Empty(_ended);
        while ((await graph.GetStateAsync(run))!.Next.Count > 0)
        {
            await graph.InvokeAsync(null, run);
        }

        Assert.Single(_ended);
        await graph.InvokeAsync(null, run); // nothing left to run
        Assert.Single(_ended);
        await graph.InvokeAsync(TestGraphs.Question("again"), run); // a new session on the thread
        Assert.Equal(2, _ended.Count);
    }

    [Fact]
    public async Task A_failing_handler_fails_the_call_after_the_final_state_is_saved()
    {
        var graph = TestGraphs.ChatLoop(1).Compile(_saver, new CompileOptions().OnRunEnded((_, _) => throw new TimeoutException("model down")));
        var run = RunConfig.ForThread("fails");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => graph.InvokeAsync(TestGraphs.Question(), run));

        Assert.Equal("model down", error.Message);
        var saved = (await graph.GetStateAsync(run))!;
        Assert.Empty(saved.Next);
        Assert.Equal(1, saved.Values.Step);
    }

    [Fact]
    public async Task Running_piece_by_piece_ends_on_the_last_commit_with_the_threads_subject()
    {
        var graph = TestGraphs.ChatLoop(2).Compile(_saver, Recording());
        var plan = await graph.Steps.StartAsync(TestGraphs.Question(), RunConfig.ForThread("pieces") with { SubjectId = "ana" });
        while (!plan.IsDone)
        {
            foreach (var node in plan.Next)
            {
                await graph.Steps.RunTaskAsync(plan.Config, node); // the step configs name no subject: it sticks to the thread
            }

            Assert.Empty(_ended);
            plan = await graph.Steps.CommitStepAsync(plan.Config);
        }

        var ended = Assert.Single(_ended);
        Assert.Equal((plan.CheckpointId, "ana"), (ended.CheckpointId, ended.Config.SubjectId));
        Assert.Equal(2, ended.GetState<ChatState>().Step);
        var history = await _saver.ListAsync(new CheckpointFilter { ThreadId = "pieces" }).ToListAsync();
        Assert.All(history, tuple => Assert.Equal("ana", tuple.Checkpoint.Metadata[RunConfig.SubjectMetadataKey]));
    }

    [Fact]
    public void A_null_handler_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new CompileOptions().OnRunEnded(null!));
    }
}
