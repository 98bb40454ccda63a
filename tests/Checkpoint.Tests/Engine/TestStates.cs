using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

public sealed record Message(string Role, string Content);

/// <summary>The W1 chat-loop state: an appended message list and a step counter.</summary>
public sealed class ChatState
{
    [Append]
    public List<Message> Messages { get; set; } = [];

    public int Step { get; set; }

    public string? Note { get; set; }
}

/// <summary>Builds the small graphs the engine tests share.</summary>
public static class TestGraphs
{
    /// <summary>agent and tool alternate, one per superstep, until Step reaches <paramref name="steps"/>.</summary>
    public static StateGraph<ChatState> ChatLoop(int steps, Action<string>? onNode = null) =>
        new StateGraph<ChatState>()
            .AddNode("agent", s =>
            {
                onNode?.Invoke("agent");
                return new Update<ChatState>().Set(x => x.Messages, [new Message("assistant", $"a{s.Step + 1}")]).Set(x => x.Step, s.Step + 1);
            })
            .AddNode("tool", s =>
            {
                onNode?.Invoke("tool");
                return new Update<ChatState>().Set(x => x.Messages, [new Message("tool", $"t{s.Step + 1}")]).Set(x => x.Step, s.Step + 1);
            })
            .AddEdge(Graph.Start, "agent")
            .AddConditionalEdges("agent", s => s.Step < steps ? "tool" : Graph.End)
            .AddConditionalEdges("tool", s => s.Step < steps ? "agent" : Graph.End);

    public static ChatState Question(string text = "hi") => new() { Messages = [new Message("user", text)] };

    public static async Task<List<StateSnapshot<ChatState>>> HistoryAsync(CompiledGraph<ChatState> graph, RunConfig config, HistoryFilter? filter = null)
    {
        var history = new List<StateSnapshot<ChatState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(config, filter))
        {
            history.Add(snapshot);
        }

        return history;
    }

    public static async Task<List<CheckpointTuple>> ListAsync(CheckpointSaver saver, string threadId)
    {
        var list = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }))
        {
            list.Add(tuple);
        }

        return list;
    }
}
