using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class ValueLimitTests
{
    [Theory]
    [InlineData(Durability.Sync, false)]
    [InlineData(Durability.Async, false)]
    [InlineData(Durability.Exit, false)]
    [InlineData(Durability.Sync, true)] // parallel nodes: the cycle is in a pending write
    public Task A_cyclic_value_fails_the_run_naming_the_channel_and_keeps_the_last_checkpoint(Durability durability, bool parallel) =>
        LimitScenarios.CyclicValueFailsTheRunAndKeepsTheLastCheckpointAsync(new InMemoryCheckpointSaver(), durability, parallel);

    [Fact]
    public Task A_600_deep_value_is_refused_by_default_and_round_trips_under_a_raised_limit() =>
        LimitScenarios.DeepValueIsRefusedUnlessTheLimitIsRaisedAsync(new InMemoryCheckpointSaver());

    [Fact]
    public async Task A_value_over_MaxValueBytes_fails_the_run_naming_the_channel()
    {
        var options = new SerializerOptions { MaxValueBytes = 4096 };
        var saver = new InMemoryCheckpointSaver(new CheckpointSerializer(options));
        var graph = new StateGraph<ChatState>()
            .AddNode("small", s => new Update<ChatState>().Set(x => x.Note, new string('a', 1000)))
            .AddNode("large", s => new Update<ChatState>().Set(x => x.Note, new string('b', 5000)))
            .AddEdge(Graph.Start, "small").AddEdge("small", "large").AddEdge("large", Graph.End)
            .Compile(saver);

        var error = await Assert.ThrowsAsync<CheckpointLimitExceededException>(() => graph.InvokeAsync(new ChatState(), RunConfig.ForThread("big")));

        Assert.Equal(("Note", "big", nameof(SerializerOptions.MaxValueBytes)), (error.Channel, error.ThreadId, error.Limit));
        Assert.Equal(1000, (await graph.GetStateAsync(RunConfig.ForThread("big")))!.Values.Note!.Length);
    }

    [Fact]
    public async Task A_resume_value_over_the_limits_is_refused()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<LinkedState>()
            .AddNode("ask", (s, ctx) => Task.FromResult(new Update<LinkedState>().Set(x => x.Head, ctx.Interrupt<LinkedNode>("which list?"))))
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(saver);
        var run = RunConfig.ForThread("resume");
        await graph.InvokeAsync(new LinkedState(), run);

        var error = await Assert.ThrowsAsync<CheckpointLimitExceededException>(() => graph.InvokeAsync(Command.Resume(LinkedNode.Cycle()), run));

        Assert.Equal(SpecialChannels.Resume, error.Channel);
        Assert.Single((await graph.GetStateAsync(run))!.Tasks);
    }

    [Fact]
    public async Task An_interrupt_value_over_the_limits_fails_the_run_instead_of_pausing_it()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<LinkedState>()
            .AddNode("ask", (s, ctx) => Task.FromResult(new Update<LinkedState>().Set(x => x.Step, ctx.Interrupt<int>(LinkedNode.Cycle()))))
            .AddEdge(Graph.Start, "ask").AddEdge("ask", Graph.End)
            .Compile(saver);

        var error = await Assert.ThrowsAsync<CheckpointLimitExceededException>(() => graph.InvokeAsync(new LinkedState(), RunConfig.ForThread("ask")));

        Assert.Equal(SpecialChannels.Interrupt, error.Channel);
        Assert.Equal(["ask"], (await graph.GetStateAsync(RunConfig.ForThread("ask")))!.Next);
    }
}
