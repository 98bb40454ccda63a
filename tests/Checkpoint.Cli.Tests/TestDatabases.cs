using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using QuickStart;

namespace Checkpoint.Cli.Tests;

/// <summary>Real SQLite files made by real graph runs, in a temp directory removed at the end.</summary>
public sealed class TestDatabases : IDisposable
{
    public TestDatabases()
    {
        Directory.CreateDirectory(Root);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ckpt-tests-" + Guid.NewGuid().ToString("N"));

    public string NewPath(string name = "agent") => Path.Combine(Root, $"{name}-{Guid.NewGuid():N}.db");

    /// <summary>The QuickStart tour's database: thread user-42 with an interrupt, a resume and a fork.</summary>
    public async Task<string> QuickStartAsync()
    {
        var path = NewPath("quickstart");
        await QuickStartDemo.RunAsync(TextWriter.Null, path);
        return path;
    }

    /// <summary>Runs the QuickStart agent on <paramref name="saver"/> until the tool's interrupt (the thread waits for approval).</summary>
    public static async Task PausedThreadAsync(CheckpointSaver saver, string threadId, string question = "What is 6 x 7?", IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = ChatAgent.Build(saver);
        await graph.InvokeAsync(new ChatState { Messages = [new("user", question)] }, RunConfig.ForThread(threadId) with { Metadata = metadata });
    }

    public static SqliteCheckpointSaver Encrypted(string path, byte[] key) =>
        new(path, new SqliteCheckpointSaverOptions { Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key }) });

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pool: the temp directory is cleaned by the system.
        }
    }
}
