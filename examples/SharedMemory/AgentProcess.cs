using System.Globalization;
using Checkpoint.Memory;
using Checkpoint.Sqlite;

namespace SharedMemory;

/// <summary>
/// One agent process: opens the shared SQLite file (checkpoints and memory), watches the user's memory, and runs the
/// commands the demo writes on its stdin, one per line, answering "ok" after each:
/// <c>turn &lt;thread&gt; &lt;fact key&gt; &lt;message&gt;</c> runs one graph turn and prints its prompt;
/// <c>append &lt;count&gt;</c> adds entries to the shared "projects" fact through <see cref="MemoryStore.UpdateAsync(MemoryNamespace, string, Func{MemoryItem?, MemoryWrite?}, int, CancellationToken)"/>;
/// <c>quit</c> ends it. Changes it notices are printed as "noticed: …" (not those of "projects", which change a hundred times).
/// </summary>
public static class AgentProcess
{
    /// <summary>The first argument that starts an agent process.</summary>
    public const string Command = "agent";

    /// <summary>The fact both agents update at once.</summary>
    public const string ProjectsKey = "projects";

    /// <summary>Runs agent <paramref name="name"/> on <paramref name="database"/> until "quit".</summary>
    public static async Task<int> RunAsync(string name, string database, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output = TextWriter.Synchronized(output);
        await using var memory = new SqliteMemoryStore(database);
        await using var saver = new SqliteCheckpointSaver(database);
        await using var block = await LiveMemoryBlock.StartAsync(memory, new MemoryBlockRequest { Namespace = SharedAgent.User });
        var agent = SharedAgent.Build(saver, memory, block);
        using var stop = new CancellationTokenSource();
        var watching = WatchAsync(memory, output, await memory.GetLatestChangeIdAsync(), stop.Token);
        output.WriteLine("ready");

        while (await input.ReadLineAsync() is { } line && line != "quit")
        {
            var parts = line.Split(' ', 4);
            switch (parts[0])
            {
                case "turn" when parts.Length == 4:
                    var turn = await agent.InvokeAsync(new AgentTurn { FactKey = parts[2], Message = parts[3] }, Checkpoint.RunConfig.ForThread(parts[1]));
                    output.WriteLine($"prompt: {turn.Prompt.ReplaceLineEndings(" | ")}");
                    break;
                case "append" when parts.Length == 2:
                    var (added, conflicts) = await AppendProjectsAsync(memory, name, int.Parse(parts[1], CultureInfo.InvariantCulture));
                    output.WriteLine($"appended {added} projects, {conflicts} conflicts retried");
                    break;
                default:
                    output.WriteLine($"unknown command: {line}");
                    break;
            }

            output.WriteLine("ok");
        }

        await stop.CancelAsync();
        try
        {
            await watching;
        }
        catch (OperationCanceledException)
        {
            // the end asked for
        }

        return 0;
    }

    // Read-modify-write: each entry is added to what the store holds now, so the other agent's entries are never overwritten.
    private static async Task<(int Added, int Conflicts)> AppendProjectsAsync(MemoryStore memory, string name, int count)
    {
        var attempts = 0;
        for (var i = 1; i <= count; i++)
        {
            var entry = $"{name}-{i}";
            _ = await memory.UpdateAsync(SharedAgent.User, ProjectsKey, item =>
            {
                attempts++;
                var content = item is null ? entry : $"{item.Content}, {entry}";
                return new MemoryWrite { Namespace = SharedAgent.User, Key = ProjectsKey, Content = content, Kind = MemoryKind.LongTerm };
            }, maxAttempts: 1_000);
        }

        return (count, attempts - count);
    }

    private static async Task WatchAsync(MemoryStore memory, TextWriter output, long after, CancellationToken cancellationToken)
    {
        await foreach (var change in memory.WatchAsync(SharedAgent.User, after, cancellationToken))
        {
            if (change.Key != ProjectsKey)
            {
                output.WriteLine($"noticed: {change.Change} {change.Namespace}:{change.Key} v{change.Version}");
            }
        }
    }
}
