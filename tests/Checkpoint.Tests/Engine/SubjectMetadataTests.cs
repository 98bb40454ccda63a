using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>A run's subject is written into every checkpoint, so the thread can be erased with the person.</summary>
public sealed class SubjectMetadataTests
{
    [Fact]
    public async Task Every_checkpoint_of_a_run_with_a_subject_carries_it_next_to_the_run_metadata()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<LogState>()
            .AddNode("a", _ => new Update<LogState>().Set(x => x.Log, ["a"]))
            .AddNode("b", _ => new Update<LogState>().Set(x => x.Log, ["b"]))
            .AddEdge(Graph.Start, "a").AddEdge("a", "b").AddEdge("b", Graph.End)
            .Compile(saver);
        var run = RunConfig.ForThread("t") with { SubjectId = "ana", Metadata = new Dictionary<string, string> { ["app"] = "demo" } };

        await graph.InvokeAsync(new LogState(), run);

        var checkpoints = await saver.ListAsync(new CheckpointFilter { ThreadId = "t" }).ToListAsync();
        Assert.Equal(3, checkpoints.Count);
        Assert.All(checkpoints, tuple => Assert.Equal(("ana", "demo"), (tuple.Checkpoint.Metadata["subject"], tuple.Checkpoint.Metadata["app"])));
        Assert.Equal(1, (await saver.EraseSubjectAsync("ana")).Threads);
        Assert.Null(await graph.GetStateAsync(run));
    }

    [Fact]
    public async Task A_later_run_that_names_no_subject_keeps_the_threads_subject()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = TestGraphs.ChatLoop(2).Compile(saver, new CompileOptions { InterruptBefore = ["tool"] });

        await graph.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("t") with { SubjectId = "ana" });
        await graph.InvokeAsync(null, RunConfig.ForThread("t")); // the resume names no subject

        var checkpoints = await saver.ListAsync(new CheckpointFilter { ThreadId = "t" }).ToListAsync();
        Assert.True(checkpoints.Count > 2);
        Assert.All(checkpoints, tuple => Assert.Equal("ana", tuple.Checkpoint.Metadata[RunConfig.SubjectMetadataKey]));
        Assert.Equal(1, (await saver.EraseSubjectAsync("ana")).Threads);
    }
}
