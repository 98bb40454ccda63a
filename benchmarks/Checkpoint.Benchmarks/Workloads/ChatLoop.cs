namespace Checkpoint.Benchmarks.Workloads;

/// <summary>One chat message.</summary>
public sealed record Message(string Role, string Content);

/// <summary>The W1 state: an appended message list and the step counter (last value).</summary>
public sealed class ChatState
{
    [Append]
    public IReadOnlyList<Message> Messages { get; set; } = [];

    public int Step { get; set; }
}

/// <summary>The W1 "chat-loop" graph of WORKLOADS.md.</summary>
public static class ChatLoop
{
    /// <summary>
    /// agent and tool alternate (Start → agent; agent → tool while Step &lt; <paramref name="steps"/>,
    /// else End; tool → agent, and also End at the limit so a fork can stop after either node).
    /// Each node appends one message with the text of the new step and sets Step = Step + 1.
    /// </summary>
    public static StateGraph<ChatState> Build(int steps) =>
        new StateGraph<ChatState>()
            .AddNode("agent", s => Append(s, "assistant"))
            .AddNode("tool", s => Append(s, "tool"))
            .AddEdge(Graph.Start, "agent")
            .AddConditionalEdges("agent", s => s.Step < steps ? "tool" : Graph.End, ["tool", Graph.End])
            .AddConditionalEdges("tool", s => s.Step < steps ? "agent" : Graph.End, ["agent", Graph.End]);

    /// <summary>A run config for W1: durability sync, a recursion limit that lets <paramref name="steps"/> supersteps run.</summary>
    public static RunConfig Config(string threadId, int steps) =>
        RunConfig.ForThread(threadId) with { Durability = Durability.Sync, RecursionLimit = steps + 16 };

    private static Update<ChatState> Append(ChatState state, string role)
    {
        var step = state.Step + 1;
        return new Update<ChatState>()
            .Set(x => x.Messages, [new Message(role, MessageText.For(step))])
            .Set(x => x.Step, step);
    }
}
