using Checkpoint.Sqlite;

namespace Checkpoint.DurableTask.Tests;

/// <summary>A SQLite database file in a temporary folder, deleted with the folder at the end of the test.</summary>
public sealed class SqliteFile : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "checkpoint-durable-" + Guid.NewGuid().ToString("N"));

    public SqliteFile()
    {
        Directory.CreateDirectory(_folder);
        ConnectionString = $"Data Source={Path.Combine(_folder, "checkpoints.db")}";
    }

    public string ConnectionString { get; }

    /// <summary>A new saver on the file (a new one per "process").</summary>
    public SqliteCheckpointSaver OpenSaver() => new(ConnectionString);

    /// <summary>A new saver on the file whose bytes are made by <paramref name="serializer"/> (e.g. encrypting).</summary>
    public SqliteCheckpointSaver OpenSaver(Checkpoint.Serialization.CheckpointSerializer serializer) =>
        new(ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer });

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still open on some platforms: the temp folder is cleaned by the OS
        }
    }
}
