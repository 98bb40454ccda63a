using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>RepackAsync on one SQLite file per test, shared by every saver instance of the test.</summary>
public sealed class SqliteRepackTests : RepackTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer) =>
        Task.FromResult<CheckpointSaver>(new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer }));

    public void Dispose() => _database.Dispose();
}
