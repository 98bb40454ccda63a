using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Two nodes interrupt in one step; each is answered with its own value, together or one at a time.</summary>
public sealed class ResumeByIdTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    private CompiledGraph<LogState> TwoQuestions() => new StateGraph<LogState>()
        .AddNode("a", (s, ctx) => new Update<LogState>().Append(x => x.Log, "a:" + ctx.Interrupt<string>("for a")))
        .AddNode("b", (s, ctx) => new Update<LogState>().Append(x => x.Log, "b:" + ctx.Interrupt<string>("for b")))
        .AddEdge(Graph.Start, "a").AddEdge(Graph.Start, "b").AddEdge("a", Graph.End).AddEdge("b", Graph.End)
        .Compile(_saver);

    private async Task<Dictionary<string, string>> PendingAsync(CompiledGraph<LogState> graph, RunConfig run) =>
        (await graph.GetStateAsync(run))!.Interrupts.ToDictionary(i => i.Node, i => i.Id);

    [Fact]
    public async Task Each_interrupt_gets_its_own_value()
    {
        var graph = TwoQuestions();
        var run = RunConfig.ForThread("both");
        await graph.InvokeAsync(new LogState(), run);
        var pending = await PendingAsync(graph, run);

        var result = await graph.InvokeAsync(Command.ResumeEach(new Dictionary<string, object?> { [pending["a"]] = "yes", [pending["b"]] = "no" }), run);

        Assert.Equal(["a:yes", "b:no"], result.Log.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_interrupt_left_out_stays_pending_and_is_answered_later()
    {
        var graph = TwoQuestions();
        var run = RunConfig.ForThread("one-at-a-time");
        await graph.InvokeAsync(new LogState(), run);
        var pending = await PendingAsync(graph, run);

        await graph.InvokeAsync(Command.ResumeEach(new Dictionary<string, object?> { [pending["a"]] = "first" }), run);
        var left = await PendingAsync(graph, run);
        var result = await graph.InvokeAsync(Command.ResumeEach(new Dictionary<string, object?> { [left["b"]] = "second" }), run);

        Assert.Equal(["b"], left.Keys);
        Assert.Equal(["a:first", "b:second"], result.Log.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_id_that_names_no_pending_interrupt_is_refused_listing_the_pending_ones()
    {
        var graph = TwoQuestions();
        var run = RunConfig.ForThread("unknown");
        await graph.InvokeAsync(new LogState(), run);
        var pending = await PendingAsync(graph, run);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            graph.InvokeAsync(Command.ResumeEach(new Dictionary<string, object?> { ["nope"] = "x" }), run));

        Assert.Contains("no pending interrupt 'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains(pending["a"], error.Message, StringComparison.Ordinal);
        Assert.Contains(pending["b"], error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await PendingAsync(graph, run)).Count); // nothing was saved
    }
}
