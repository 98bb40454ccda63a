using Checkpoint.Memory;
using Checkpoint.Sqlite;

namespace SharedMemory;

/// <summary>
/// Two agent processes, a planner and a researcher, share one SQLite file: the researcher learns a fact and the
/// planner's next prompt shows it (its memory block is refreshed by the change feed, not by polling the facts); then
/// both append to the same fact at the same time and no entry is lost (optimistic concurrency: a writer that loses the
/// race reads again and retries).
/// </summary>
public static class SharedMemoryDemo
{
    /// <summary>The shared file in the demo's folder.</summary>
    public const string DatabaseName = "shared.db";

    /// <summary>How many entries each agent appends to the shared fact.</summary>
    public const int AppendsPerAgent = 50;

    /// <summary>Runs the demo in <paramref name="directory"/>; returns what it showed.</summary>
    public static async Task<SharedMemoryResult> RunAsync(TextWriter output, string directory)
    {
        ArgumentNullException.ThrowIfNull(output);
        output = TextWriter.Synchronized(output);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, DatabaseName);
        await using var memory = new SqliteMemoryStore(database);
        await memory.InitializeAsync(); // create the tables once, before two processes open the file

        await using var planner = await AgentChannel.StartAsync("planner", database, output);
        await using var researcher = await AgentChannel.StartAsync("researcher", database, output);

        output.WriteLine("=== The planner's prompt before anyone learned anything ===");
        var before = Prompt(await planner.RunAsync("turn plan - Which language for the data pipeline?"));

        output.WriteLine("=== The researcher learns a fact; the planner's watcher notices it ===");
        _ = await researcher.RunAsync("turn research lang Remember: Ana prefers Python for data work.");
        _ = await planner.WaitForAsync(line => line.StartsWith("noticed: Add users/ana:lang", StringComparison.Ordinal));
        var after = Prompt(await planner.RunAsync("turn plan - And now, which language?"));

        output.WriteLine($"=== Both append {AppendsPerAgent} entries to one fact at the same time ===");
        var appends = await Task.WhenAll(planner.RunAsync($"append {AppendsPerAgent}"), researcher.RunAsync($"append {AppendsPerAgent}"));
        var projects = await memory.GetAsync(SharedAgent.User, AgentProcess.ProjectsKey)
            ?? throw new InvalidOperationException("the shared fact is missing");
        var entries = projects.Content.Split(", ");
        var result = new SharedMemoryResult(
            before, after, entries.Length, entries.Distinct().Count(), projects.Version, string.Join("; ", appends.SelectMany(lines => lines)));
        output.WriteLine(
            $"projects holds {result.Entries} entries ({result.DistinctEntries} distinct) at version {result.Version}: " +
            (result.Entries == 2 * AppendsPerAgent ? "no update was lost." : "UPDATES WERE LOST."));
        return result;
    }

    private static string Prompt(List<string> lines) =>
        lines.LastOrDefault(line => line.StartsWith("prompt: ", StringComparison.Ordinal))?["prompt: ".Length..]
        ?? throw new InvalidOperationException($"no prompt in: {string.Join(" / ", lines)}");
}
