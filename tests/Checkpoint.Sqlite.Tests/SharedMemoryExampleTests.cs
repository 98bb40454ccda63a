using SharedMemory;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The shared-memory example, run as a user runs it: two agent processes on one SQLite file.</summary>
public sealed class SharedMemoryExampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-shared-example-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task One_agent_learns_a_fact_the_others_next_prompt_shows_it_and_concurrent_appends_lose_nothing()
    {
        var output = new StringWriter();

        var result = await SharedMemoryDemo.RunAsync(output, _directory);

        Assert.Equal("User: Which language for the data pipeline?", result.PromptBefore);
        Assert.Equal("Known facts: | - [lang] Ana prefers Python for data work. | User: And now, which language?", result.PromptAfter);
        Assert.Equal((100, 100, 100L), (result.Entries, result.DistinctEntries, result.Version));
        var log = output.ToString();
        Assert.Contains("[planner] noticed: Add users/ana:lang v1", log, StringComparison.Ordinal);
        Assert.Contains("no update was lost.", log, StringComparison.Ordinal);
        Assert.Contains("[researcher] appended 50 projects", log, StringComparison.Ordinal);
    }
}
