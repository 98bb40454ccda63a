using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>ToMermaid draws what Compile knows: nodes in order, fixed edges solid, router edges dotted.</summary>
public sealed class MermaidTests
{
    [Fact]
    public void A_graph_with_a_fixed_edge_a_declared_router_and_an_undeclared_one_draws_as_a_flowchart()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("agent", _ => new Update<ChatState>())
            .AddNode("tool \"search\"", _ => new Update<ChatState>())
            .AddNode("review", _ => new Update<ChatState>())
            .AddEdge(Graph.Start, "agent")
            .AddConditionalEdges("agent", s => s.Step > 2 ? "review" : "tool \"search\"", ["review", "tool \"search\""])
            .AddEdge("tool \"search\"", "agent")
            .AddConditionalEdges("review", s => Graph.End)
            .Compile(new InMemoryCheckpointSaver());

        Assert.Equal(
            """
            flowchart TD
                Start(["start"])
                n0["agent"]
                n1["tool #quot;search#quot;"]
                n2["review"]
                End(["end"])
                Start --> n0
                n0 -.-> n2
                n0 -.-> n1
                n1 --> n0
                n2 -.-> n0
                n2 -.-> n1
                n2 -.-> n2
                n2 -.-> End

            """.ReplaceLineEndings("\n"),
            graph.ToMermaid());
    }
}
