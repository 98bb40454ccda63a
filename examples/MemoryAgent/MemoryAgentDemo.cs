using Checkpoint;
using Checkpoint.Memory;
using Checkpoint.Memory.Markdown;
using Checkpoint.Memory.MiniLM;
using Checkpoint.Sqlite;

namespace MemoryAgent;

/// <summary>
/// Two threads of one user: a preference learned in the first is recalled by meaning in the second
/// (MiniLM, offline), with the memory block that went into the prompt printed; then the markdown
/// memory the agent wrote (MEMORY.md with the facts consolidated at the end of each run, today's log of
/// turns) is shown as a person would read it.
/// </summary>
public static class MemoryAgentDemo
{
    /// <summary>Runs the demo in <paramref name="directory"/> (checkpoints in agent.db, memory in memory/); returns each turn's final state.</summary>
    public static async Task<IReadOnlyList<TurnState>> RunAsync(TextWriter output, string directory)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(directory);
        using var embeddings = new MiniLmEmbeddingGenerator();
        await using var saver = new SqliteCheckpointSaver(Path.Combine(directory, "agent.db"));
        var memoryRoot = Path.Combine(directory, "memory");
        await using var memory = new MarkdownMemoryStore(memoryRoot, new MemoryStoreOptions { Embeddings = embeddings });
        using var model = ChatModels.FromEnvironment();
        var agent = Agent.Build(saver, memory, model);

        var turns = new List<TurnState>
        {
            await TurnAsync(output, agent, "monday", "Remember: I prefer Python over JavaScript for quick scripts."),
            await TurnAsync(output, agent, "monday", "Remember: my dog Rex is afraid of thunderstorms."),

            // A new thread: its own short-term state is empty; the store remembers, by meaning (no shared keyword).
            await TurnAsync(output, agent, "tuesday", "Which programming language should I write my little automation tool in?"),
            await TurnAsync(output, agent, "tuesday", "There is a storm coming tonight, anything I should keep in mind for my pet?"),
        };

        output.WriteLine("=== What the agent wrote, as a person reads it ===");
        foreach (var file in Directory.EnumerateFiles(memoryRoot, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"--- {Path.GetRelativePath(directory, file)}");
            output.WriteLine((await File.ReadAllTextAsync(file)).TrimEnd());
        }

        return turns;
    }

    private static async Task<TurnState> TurnAsync(TextWriter output, CompiledGraph<TurnState> agent, string thread, string message)
    {
        var result = await agent.InvokeAsync(new TurnState { User = "ada", Message = message }, RunConfig.ForThread(thread) with { SubjectId = "ada" });
        output.WriteLine($"=== thread '{thread}' ===");
        output.WriteLine("prompt:");
        output.WriteLine(Indent(result.Prompt));
        output.WriteLine($"reply: {result.Reply}");
        output.WriteLine();
        return result;
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "  " + line));
}
