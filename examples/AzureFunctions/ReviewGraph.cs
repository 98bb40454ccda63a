namespace Checkpoint.Examples.AzureFunctions;

/// <summary>draft, then a human review (an interrupt resumed through POST /runs/{threadId}/resume), then publish.</summary>
public static class ReviewGraph
{
    public const string Name = "review";

    public static StateGraph<ReviewState> Build() =>
        new StateGraph<ReviewState>()
            .AddNode("draft", s => new Update<ReviewState>()
                .Set(x => x.Draft, $"A short note about {s.Topic}.")
                .Set(x => x.Log, ["drafted"]))
            .AddNode("review", (s, ctx) =>
            {
                var verdict = ctx.Interrupt<string>($"Approve this draft? {s.Draft}");
                return Task.FromResult(new Update<ReviewState>().Set(x => x.Verdict, verdict).Set(x => x.Log, [$"reviewed: {verdict}"]));
            })
            .AddNode("publish", s => new Update<ReviewState>()
                .Set(x => x.Published, string.Equals(s.Verdict, "approve", StringComparison.OrdinalIgnoreCase))
                .Set(x => x.Log, ["done"]))
            .AddEdge(Graph.Start, "draft")
            .AddEdge("draft", "review")
            .AddEdge("review", "publish")
            .AddEdge("publish", Graph.End);
}
