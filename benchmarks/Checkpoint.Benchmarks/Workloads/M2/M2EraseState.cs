namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// The M2-erase thread state: W1's appended messages and step counter, plus the subject whose marker every
/// message starts with (so the subject's text is in every chunk of the thread).
/// </summary>
public sealed class M2EraseState
{
    [Append]
    public IReadOnlyList<Message> Messages { get; set; } = [];

    public int Step { get; set; }

    public string Subject { get; set; } = "";

    /// <summary>W1's chat loop (agent and tool alternate for <paramref name="steps"/> supersteps), each message = subject + WORKLOADS.md text.</summary>
    public static StateGraph<M2EraseState> Graph(int steps) =>
        new StateGraph<M2EraseState>()
            .AddNode("agent", s => Append(s, "assistant"))
            .AddNode("tool", s => Append(s, "tool"))
            .AddEdge(Checkpoint.Graph.Start, "agent")
            .AddConditionalEdges("agent", s => s.Step < steps ? "tool" : Checkpoint.Graph.End, ["tool", Checkpoint.Graph.End])
            .AddConditionalEdges("tool", s => s.Step < steps ? "agent" : Checkpoint.Graph.End, ["agent", Checkpoint.Graph.End]);

    private static Update<M2EraseState> Append(M2EraseState state, string role)
    {
        var step = state.Step + 1;
        return new Update<M2EraseState>()
            .Set(x => x.Messages, [new Message(role, $"{state.Subject} {MessageText.For(step)}")])
            .Set(x => x.Step, step);
    }
}
