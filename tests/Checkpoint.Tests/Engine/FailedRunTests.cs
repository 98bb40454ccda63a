using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>
/// After a node fails, the caller chooses: continue the failed step (null input), continue it with the state corrected
/// (<c>UpdateStateAsync</c>, then null), or start over from the start (a new input).
/// </summary>
public sealed class FailedRunTests
{
    private readonly InMemoryCheckpointSaver _saver = new();
    private readonly List<string> _ran = [];
    private readonly RunConfig _run = RunConfig.ForThread("t");

    // fetch, then check (fails until Note says "fixed" or it was asked to pass), then end.
    private CompiledGraph<ChatState> Pipeline(Func<ChatState, bool> passes) => new StateGraph<ChatState>()
        .AddNode("fetch", s =>
        {
            _ran.Add("fetch");
            return new Update<ChatState>().Set(x => x.Step, s.Step + 1);
        })
        .AddNode("check", s =>
        {
            _ran.Add("check");
            return passes(s) ? new Update<ChatState>().Append(x => x.Messages, new Message("check", $"passed with {s.Note}")) : throw new InvalidOperationException("bad data");
        })
        .AddEdge(Graph.Start, "fetch").AddEdge("fetch", "check").AddEdge("check", Graph.End)
        .Compile(_saver);

    [Fact]
    public async Task Continuing_with_no_input_runs_only_the_failed_step_again()
    {
        var calls = 0;
        var graph = Pipeline(_ => ++calls > 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(new ChatState { Note = "n" }, _run));
        Assert.Equal(["check"], (await graph.GetStateAsync(_run))!.Next);

        var result = await graph.InvokeAsync(null, _run);

        Assert.Equal(["fetch", "check", "check"], _ran);
        Assert.Equal(1, result.Step);
    }

    [Fact]
    public async Task Correcting_the_state_then_continuing_runs_the_failed_step_on_the_corrected_state()
    {
        var graph = Pipeline(s => s.Note == "fixed");
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(new ChatState { Note = "broken" }, _run));

        var corrected = await graph.UpdateStateAsync(_run, new Update<ChatState>().Set(s => s.Note, "fixed"));
        var result = await graph.InvokeAsync(null, corrected);

        Assert.Equal(["fetch", "check", "check"], _ran);
        Assert.Equal("passed with fixed", result.Messages[^1].Content);
        Assert.Equal(1, result.Step);
    }

    [Fact]
    public async Task A_new_input_after_a_failure_starts_over_from_the_start_and_drops_the_failed_step()
    {
        var graph = Pipeline(s => s.Note == "fixed");
        await Assert.ThrowsAsync<InvalidOperationException>(() => graph.InvokeAsync(new ChatState { Note = "broken" }, _run));

        var result = await graph.InvokeAsync(new ChatState { Note = "fixed" }, _run);

        Assert.Equal(["fetch", "check", "fetch", "check"], _ran);
        Assert.Equal(2, result.Step); // the first run's fetch counted too: the state carries on, the step does not
        Assert.Empty((await graph.GetStateAsync(_run))!.Next);
    }
}
