using Checkpoint;
using Checkpoint.Sqlite;

namespace QuickStart;

/// <summary>The README's quick start, compiled (a test checks the README shows exactly these lines).</summary>
public static class ReadmeQuickStart
{
    /// <summary>Runs the README's five lines.</summary>
    public static async Task<ChatState> RunAsync(string databasePath)
    {
        // README-BEGIN
        await using var saver = new SqliteCheckpointSaver($"Data Source={databasePath}");
        var graph = ChatAgent.Build(saver);
        var run = RunConfig.ForThread("user-42");
        await graph.InvokeAsync(new ChatState { Messages = [new("user", "What is 6 x 7?")] }, run);
        var state = await graph.InvokeAsync(Command.Resume(true), run); // approve the tool call
        // README-END
        return state;
    }
}
