using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Blocks written in the put, on one SQLite file per test.</summary>
public sealed class SqliteBlockTests : BlockTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer) =>
        Task.FromResult<CheckpointSaver>(new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer }));

    public void Dispose() => _database.Dispose();
}
