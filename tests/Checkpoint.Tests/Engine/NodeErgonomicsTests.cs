using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>The node and update shapes a newcomer writes first compile and do what they say.</summary>
public sealed class NodeErgonomicsTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task A_synchronous_node_uses_its_context_and_Append_adds_items_to_a_list()
    {
        var graph = new StateGraph<LogState>()
            .AddNode("ask", (s, ctx) => new Update<LogState>().Append(x => x.Log, ctx.Interrupt<bool>("proceed?") ? "yes" : "no", "asked"))
            .AddNode("log", s => new Update<LogState>().Append(x => x.Log, "logged"))
            .AddEdge(Graph.Start, "ask").AddEdge("ask", "log").AddEdge("log", Graph.End)
            .Compile(_saver);
        var run = RunConfig.ForThread("sync");

        await graph.InvokeAsync(new LogState { Log = ["start"] }, run);
        var result = await graph.InvokeAsync(Command.Resume(true), run);

        Assert.Equal(["start", "yes", "asked", "logged"], result.Log);
    }

    [Fact]
    public async Task A_node_that_only_throws_and_a_router_that_returns_null_compile_and_fail_clearly()
    {
        var throwing = new StateGraph<LogState>()
            .AddNode("boom", (s, ctx) => throw new InvalidOperationException("boom with context"))
            .AddNode("bang", s => throw new InvalidOperationException("bang"))
            .AddEdge(Graph.Start, "boom").AddEdge("boom", "bang").AddEdge("bang", Graph.End)
            .Compile(_saver);
        var routing = new StateGraph<LogState>()
            .AddNode("a", s => new Update<LogState>())
            .AddEdge(Graph.Start, "a")
            .AddConditionalEdges("a", s => null!)
            .Compile(_saver);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => throwing.InvokeAsync(new LogState(), RunConfig.ForThread("throws")));
        var routed = await Assert.ThrowsAsync<GraphValidationException>(() => routing.InvokeAsync(new LogState(), RunConfig.ForThread("routes")));

        Assert.Equal("boom with context", thrown.Message);
        Assert.Contains("The router of the conditional edge from 'a' returned null", routed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_update_prints_its_writes()
    {
        var update = new Update<ChatState>().Append(x => x.Messages, new Message("user", "hi")).Set(x => x.Step, 3).Set("Note", "done");

        Assert.Equal("Update { Messages = [1 item], Step = 3, Note = \"done\" }", update.ToString());
        Assert.Equal("Update { }", new Update<ChatState>().ToString());
    }
}
