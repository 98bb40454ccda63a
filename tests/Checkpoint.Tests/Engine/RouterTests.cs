using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class RouterTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task A_router_returning_null_is_named_by_its_source_node()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("classify", s => new Update<ChatState>().Set(x => x.Note, "unsure"))
            .AddNode("answer", s => new Update<ChatState>())
            .AddEdge(Graph.Start, "classify")
            .AddConditionalEdges("classify", s => s.Note == "sure" ? "answer" : null!)
            .AddEdge("answer", Graph.End)
            .Compile(_saver);

        var error = await Assert.ThrowsAsync<GraphValidationException>(() => graph.InvokeAsync(new ChatState(), RunConfig.ForThread("null-route")));

        Assert.Contains("from 'classify'", error.Message, StringComparison.Ordinal);
        Assert.Contains("returned null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fan_out_router_returning_a_null_list_is_named_by_its_source_node()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("plan", s => new Update<ChatState>())
            .AddNode("work", s => new Update<ChatState>())
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", s => (IEnumerable<string>)null!, possibleTargets: ["work"])
            .AddEdge("work", Graph.End)
            .Compile(_saver);

        var error = await Assert.ThrowsAsync<GraphValidationException>(() => graph.InvokeAsync(new ChatState(), RunConfig.ForThread("null-list")));

        Assert.Contains("from 'plan'", error.Message, StringComparison.Ordinal);
        Assert.Contains("returned null", error.Message, StringComparison.Ordinal);
    }
}
