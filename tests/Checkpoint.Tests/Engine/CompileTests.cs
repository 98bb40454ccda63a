using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed class CompileTests
{
    private static readonly InMemoryCheckpointSaver Saver = new();

    private static Update<ChatState> Noop(ChatState state) => new();

    [Fact]
    public void Edge_to_unknown_node_is_named()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop).AddEdge(Graph.Start, "a").AddEdge("a", "ghost");
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("'ghost'", error.Message);
    }

    [Fact]
    public void Edge_from_unknown_node_is_named()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop).AddEdge(Graph.Start, "a").AddEdge("a", Graph.End).AddEdge("nowhere", "a");
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("'nowhere'", error.Message);
    }

    [Fact]
    public void Node_without_way_out_is_named()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop).AddNode("stuck", Noop)
            .AddEdge(Graph.Start, "a").AddEdge("a", "stuck");
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("'stuck' has no way out", error.Message);
    }

    [Fact]
    public void Missing_start_edge_is_reported()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop).AddEdge("a", Graph.End);
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("Graph.Start", error.Message);
    }

    [Fact]
    public void Parallel_writers_of_a_last_value_channel_are_named()
    {
        var writesNote = new NodeOptions { Writes = ["Note"] };
        var graph = new StateGraph<ChatState>()
            .AddNode("left", Noop, writesNote).AddNode("right", Noop, writesNote)
            .AddEdge(Graph.Start, "left").AddEdge(Graph.Start, "right")
            .AddEdge("left", Graph.End).AddEdge("right", Graph.End);
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("'Note'", error.Message);
        Assert.Contains("'left'", error.Message);
        Assert.Contains("'right'", error.Message);
    }

    [Fact]
    public void Parallel_writers_of_an_append_channel_are_fine()
    {
        var writesMessages = new NodeOptions { Writes = ["Messages"] };
        var graph = new StateGraph<ChatState>()
            .AddNode("left", Noop, writesMessages).AddNode("right", Noop, writesMessages)
            .AddEdge(Graph.Start, "left").AddEdge(Graph.Start, "right")
            .AddEdge("left", Graph.End).AddEdge("right", Graph.End);
        Assert.NotNull(graph.Compile(Saver));
    }

    [Fact]
    public void Duplicate_and_reserved_node_names_are_refused()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop);
        Assert.Throws<GraphValidationException>(() => graph.AddNode("a", Noop));
        Assert.Throws<GraphValidationException>(() => graph.AddNode(Graph.End, Noop));
    }

    [Fact]
    public void Interrupt_on_unknown_node_is_named()
    {
        var error = Assert.Throws<GraphValidationException>(() =>
            TestGraphs.ChatLoop(2).Compile(Saver, new CompileOptions { InterruptBefore = ["robot"] }));
        Assert.Contains("'robot'", error.Message);
    }

    [Fact]
    public void Declared_write_to_unknown_channel_is_named()
    {
        var graph = new StateGraph<ChatState>().AddNode("a", Noop, new NodeOptions { Writes = ["Nope"] })
            .AddEdge(Graph.Start, "a").AddEdge("a", Graph.End);
        var error = Assert.Throws<GraphValidationException>(() => graph.Compile(Saver));
        Assert.Contains("'Nope'", error.Message);
    }
}
