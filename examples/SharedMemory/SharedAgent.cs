using Checkpoint;
using Checkpoint.Memory;
using Checkpoint.Storage;

namespace SharedMemory;

/// <summary>
/// The graph both agents run: <c>recall</c> puts the user's memory block in the prompt, and <c>learn</c> keeps
/// "Remember: …" messages as facts. The block is a <see cref="LiveMemoryBlock"/>: it is searched again only after a
/// change under the user's namespace, by this agent or the other one.
/// </summary>
public static class SharedAgent
{
    /// <summary>What a message starts with when the user wants it remembered.</summary>
    public const string RememberPrefix = "Remember:";

    /// <summary>The user both agents serve.</summary>
    public static MemoryNamespace User { get; } = MemoryNamespace.Of("users", "ana");

    /// <summary>The graph of one agent, checkpointed by <paramref name="saver"/>, reading memory through <paramref name="block"/>.</summary>
    public static CompiledGraph<AgentTurn> Build(CheckpointSaver saver, MemoryStore memory, LiveMemoryBlock block) => new StateGraph<AgentTurn>()
        .AddNode("recall", async (state, context) =>
        {
            var memoryBlock = await block.GetAsync(cancellationToken: context.CancellationToken);
            var prompt = memoryBlock.Text.Length == 0 ? $"User: {state.Message}" : $"{memoryBlock.Text}\nUser: {state.Message}";
            return new Update<AgentTurn>().Set(s => s.Prompt, prompt);
        })
        .AddNode("learn", async (state, context) =>
        {
            if (state.Message.StartsWith(RememberPrefix, StringComparison.Ordinal))
            {
                var fact = state.Message[RememberPrefix.Length..].Trim();
                await context.Memory().PutAsync(
                    new MemoryWrite { Namespace = User, Key = state.FactKey, Content = fact, Kind = MemoryKind.LongTerm },
                    context.CancellationToken);
            }

            return new Update<AgentTurn>();
        })
        .AddEdge(Graph.Start, "recall").AddEdge("recall", "learn").AddEdge("learn", Graph.End)
        .Compile(saver, new CompileOptions().WithMemory(memory));
}
