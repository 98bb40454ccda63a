using Checkpoint;
using Checkpoint.Memory;
using Checkpoint.Storage;

namespace MemoryAgent;

/// <summary>
/// A three-node agent: <c>recall</c> builds the prompt from the user's memory (the relevant memories by
/// meaning and keyword, plus their long-term facts), <c>respond</c> stands in for the model, and
/// <c>learn</c> writes what the user asked to remember as a long-term fact and the turn as an episode.
/// No model is called, so the example runs offline; put an <c>IChatClient</c> call in <c>respond</c>.
/// </summary>
public static class Agent
{
    /// <summary>What a message starts with when the user wants it remembered.</summary>
    public const string RememberPrefix = "Remember:";

    /// <summary>The user's namespace: everything the agent knows about them lives under it.</summary>
    public static MemoryNamespace UserNamespace(string user) => MemoryNamespace.Of("users", user);

    /// <summary>The graph, checkpointed by <paramref name="saver"/>, with <paramref name="memory"/> reachable from its nodes.</summary>
    public static CompiledGraph<TurnState> Build(CheckpointSaver saver, MemoryStore memory) => new StateGraph<TurnState>()
        .AddNode("recall", async (state, context) =>
        {
            var block = await MemoryBlock.BuildAsync(
                context.Memory(),
                new MemoryBlockRequest { Namespace = UserNamespace(state.User), Query = state.Message, SubjectId = state.User, TopK = 3 },
                context.CancellationToken);
            var prompt = block.Text.Length == 0 ? $"User: {state.Message}" : $"{block.Text}\n\nUser: {state.Message}";
            return new Update<TurnState>().Set(s => s.Prompt, prompt);
        })
        .AddNode("respond", (state, _) =>
        {
            var reply = state.Message.StartsWith(RememberPrefix, StringComparison.Ordinal)
                ? "Noted."
                : "(a model would answer here, from the prompt above)";
            return Task.FromResult(new Update<TurnState>().Set(s => s.Reply, reply));
        })
        .AddNode("learn", async (state, context) =>
        {
            var memory = context.Memory();
            var user = UserNamespace(state.User);
            if (state.Message.StartsWith(RememberPrefix, StringComparison.Ordinal))
            {
                var fact = state.Message[RememberPrefix.Length..].Trim();
                await memory.PutAsync(
                    new MemoryWrite { Namespace = user, Key = $"fact-{context.TaskId[..8]}", Content = fact, Kind = MemoryKind.LongTerm, SubjectId = state.User, Importance = 0.8 },
                    context.CancellationToken);
            }

            // Every turn is an episode: the markdown store appends it to today's log (memory/YYYY-MM-DD.md).
            await memory.PutAsync(
                new MemoryWrite { Namespace = user, Key = $"turn-{context.TaskId[..8]}", Content = $"{state.User} said: {state.Message}", Kind = MemoryKind.Episodic, SubjectId = state.User },
                context.CancellationToken);
            return new Update<TurnState>();
        })
        .AddEdge(Graph.Start, "recall").AddEdge("recall", "respond").AddEdge("respond", "learn").AddEdge("learn", Graph.End)
        .Compile(saver, new CompileOptions().WithMemory(memory));
}
