using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The shared conformance suite against a fresh SQLite file per test.</summary>
public sealed class SqliteSaverConformanceTests : CheckpointSaverConformanceTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync() =>
        Task.FromResult<CheckpointSaver>(_database.CreateSaver());

    public void Dispose() => _database.Dispose();
}
