using Checkpoint;
using Checkpoint.Memory;
using Checkpoint.Storage;
using Microsoft.Extensions.AI;

namespace MemoryAgent;

/// <summary>
/// A two-node agent: <c>recall</c> builds the prompt from the user's memory (the relevant memories by meaning and
/// keyword, plus their long-term facts) and <c>respond</c> stands in for the model. When a run ends, its turn is kept as
/// an episode of the user and consolidated into long-term facts by a chat model (<see cref="SessionMemory.WithSessionSummary{TState}"/>):
/// "Remember: …" becomes a fact the next thread recalls. No model answers the user, so the example runs offline; put an
/// <c>IChatClient</c> call in <c>respond</c>.
/// </summary>
public static class Agent
{
    /// <summary>What a message starts with when the user wants it remembered.</summary>
    public const string RememberPrefix = "Remember:";

    /// <summary>The user's namespace: everything the agent knows about them lives under it.</summary>
    public static MemoryNamespace UserNamespace(string user) => MemoryNamespace.Of("users", user);

    /// <summary>
    /// The graph, checkpointed by <paramref name="saver"/>, with <paramref name="memory"/> reachable from its nodes and
    /// <paramref name="model"/> consolidating each ended run's turn into the user's facts.
    /// </summary>
    public static CompiledGraph<TurnState> Build(CheckpointSaver saver, MemoryStore memory, IChatClient model) => new StateGraph<TurnState>()
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
        .AddEdge(Graph.Start, "recall").AddEdge("recall", "respond").AddEdge("respond", Graph.End)
        .Compile(saver, new CompileOptions().WithSessionSummary(memory, new SessionSummaryOptions<TurnState>
        {
            // The turn is an episode (the markdown store appends it to today's log, memory/YYYY-MM-DD.md); the model
            // turns episodes into facts (MEMORY.md), deciding each against the facts already kept.
            Episodes = state => [$"{state.User} said: {state.Message}"],
            Namespace = run => UserNamespace(run.SubjectId!),
            Consolidation = new ConsolidationOptions { ChatClient = model },
        }));
}
