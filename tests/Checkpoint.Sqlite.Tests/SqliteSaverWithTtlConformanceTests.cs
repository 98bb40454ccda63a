using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The whole conformance suite with a thread time to live that never passes: expiry changes nothing else.</summary>
public sealed class SqliteSaverWithTtlConformanceTests : CheckpointSaverConformanceTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync() =>
        Task.FromResult<CheckpointSaver>(new SqliteCheckpointSaver(
            _database.ConnectionString, new SqliteCheckpointSaverOptions { ThreadTimeToLive = TimeSpan.FromDays(1) }));

    public void Dispose() => _database.Dispose();
}
