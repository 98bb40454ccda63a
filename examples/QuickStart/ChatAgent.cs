using System.Globalization;
using System.Text.RegularExpressions;
using Checkpoint;
using Checkpoint.Storage;

namespace QuickStart;

/// <summary>
/// A deterministic chat-loop agent (no model needed): the agent turns "What is A x B?" into a
/// calculator call, the tool asks a human for approval (an interrupt) and computes, and the agent
/// answers with the result.
/// </summary>
public static partial class ChatAgent
{
    /// <summary>The agent graph, checkpointed by <paramref name="saver"/>.</summary>
    public static CompiledGraph<ChatState> Build(CheckpointSaver saver) => Define().Compile(saver);

    /// <summary>The agent graph before it is bound to a saver (what <c>AddCheckpoint(b => b.AddGraph(_ => ChatAgent.Define()))</c> takes).</summary>
    public static StateGraph<ChatState> Define() =>
        new StateGraph<ChatState>()
            .AddNode("agent", Agent)
            .AddNode("tool", Calculator)
            .AddEdge(Graph.Start, "agent")
            .AddConditionalEdges("agent", s => s.Done ? Graph.End : "tool", [Graph.End, "tool"])
            .AddEdge("tool", "agent");

    private static Update<ChatState> Agent(ChatState state)
    {
        var last = state.Messages[^1];
        if (last.Role == "tool")
        {
            return new Update<ChatState>()
                .Set(s => s.Messages, [new ChatMessage("assistant", $"{state.PendingExpression} = {last.Content}")])
                .Set(s => s.Done, true);
        }

        var match = Question().Match(last.Content);
        var expression = match.Success ? $"{match.Groups[1].Value}*{match.Groups[2].Value}" : "0*0";
        return new Update<ChatState>()
            .Set(s => s.Messages, [new ChatMessage("assistant", $"Let me calculate {expression}.")])
            .Set(s => s.PendingExpression, expression)
            .Set(s => s.Done, false);
    }

    private static Task<Update<ChatState>> Calculator(ChatState state, NodeContext context)
    {
        // Pauses the run until a human resumes it with Command.Resume(true or false).
        var approved = context.Interrupt<bool>($"Run the calculator on {state.PendingExpression}?");
        var factors = state.PendingExpression!.Split('*').Select(f => long.Parse(f, CultureInfo.InvariantCulture));
        var result = approved ? factors.Aggregate(1L, (a, b) => a * b).ToString(CultureInfo.InvariantCulture) : "(denied)";
        return Task.FromResult(new Update<ChatState>().Set(s => s.Messages, [new ChatMessage("tool", result)]));
    }

    [GeneratedRegex(@"(\d+)\s*x\s*(\d+)")]
    private static partial Regex Question();
}
