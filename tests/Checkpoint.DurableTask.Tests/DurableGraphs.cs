namespace Checkpoint.DurableTask.Tests;

/// <summary>The graphs the orchestration tests run.</summary>
public static class DurableGraphs
{
    /// <summary>One "step" node per superstep until Count reaches <paramref name="steps"/>; <paramref name="onStep"/> sees the count it is about to write.</summary>
    public static StateGraph<CounterState> Counter(int steps, Func<int, Task>? onStep = null) =>
        new StateGraph<CounterState>()
            .AddNode("step", async s =>
            {
                var next = s.Count + 1;
                if (onStep is not null)
                {
                    await onStep(next);
                }

                return new Update<CounterState>().Set(x => x.Count, next).Set(x => x.Log, [$"s{next}"]);
            })
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Count < steps ? "step" : Graph.End);

    /// <summary>start, then "ask" (interrupts for an answer) and "work" in parallel, then "finish".</summary>
    public static StateGraph<CounterState> AskAndWork(Action<string> onNode) =>
        new StateGraph<CounterState>()
            .AddNode("start", _ => new Update<CounterState>().Set(x => x.Log, ["start"]))
            .AddNode("ask", (_, ctx) =>
            {
                onNode("ask");
                var answer = ctx.Interrupt<string>("approve?");
                return Task.FromResult(new Update<CounterState>().Set(x => x.Answer, answer).Set(x => x.Log, ["ask"]));
            })
            .AddNode("work", s =>
            {
                onNode("work");
                return new Update<CounterState>().Set(x => x.Count, s.Count + 1).Set(x => x.Log, ["work"]);
            })
            .AddNode("finish", _ => new Update<CounterState>().Set(x => x.Log, ["finish"]))
            .AddEdge(Graph.Start, "start")
            .AddEdge("start", "ask")
            .AddEdge("start", "work")
            .AddEdge("ask", "finish")
            .AddEdge("work", "finish")
            .AddEdge("finish", Graph.End);
}
