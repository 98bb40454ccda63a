using MemoryAgent;

namespace Checkpoint.Memory.MiniLM.Tests;

/// <summary>The example as a user runs it: MiniLM, the markdown store and a SQLite checkpoint file in a fresh folder.</summary>
public sealed class MemoryAgentExampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"memory-agent-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_fact_from_the_first_thread_is_recalled_by_meaning_in_the_second_and_written_as_markdown()
    {
        var output = new StringWriter();

        var turns = await MemoryAgentDemo.RunAsync(output, _directory);

        // Tuesday's questions share no keyword with Monday's facts: MiniLM puts the right fact first.
        Assert.StartsWith("Relevant memories:\n- [fact-", turns[2].Prompt, StringComparison.Ordinal);
        Assert.Contains("I prefer Python over JavaScript for quick scripts.", turns[2].Prompt.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("my dog Rex is afraid of thunderstorms.", turns[3].Prompt.Split('\n')[1], StringComparison.Ordinal);
        Assert.Equal("User: Remember: I prefer Python over JavaScript for quick scripts.", turns[0].Prompt);

        var memoryFile = await File.ReadAllTextAsync(Path.Combine(_directory, "memory", "users", "ada", "MEMORY.md"));
        Assert.Contains("- I prefer Python over JavaScript for quick scripts. <!-- key=fact-", memoryFile, StringComparison.Ordinal);
        Assert.Contains("- my dog Rex is afraid of thunderstorms. <!-- key=fact-", memoryFile, StringComparison.Ordinal);
        // One daily log (two if the run crossed midnight UTC) holds the four turns.
        var logs = Directory.GetFiles(Path.Combine(_directory, "memory", "users", "ada", "memory"), "*.md");
        Assert.Equal(4, logs.SelectMany(File.ReadAllLines).Count(line => line.StartsWith("- ada said: ", StringComparison.Ordinal)));
        Assert.Contains("--- memory/users/ada/MEMORY.md", output.ToString(), StringComparison.Ordinal);
    }
}
