using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Retention on engine-written threads, on a fresh SQLite file per test.</summary>
public sealed class SqliteRetentionEngineTests : RetentionEngineTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync() =>
        Task.FromResult<CheckpointSaver>(_database.CreateSaver());

    public void Dispose() => _database.Dispose();
}
