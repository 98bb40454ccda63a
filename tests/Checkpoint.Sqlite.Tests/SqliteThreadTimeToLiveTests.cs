using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The shared thread time-to-live suite on one SQLite file per test (every saver of a test opens it).</summary>
public sealed class SqliteThreadTimeToLiveTests : SharedStoreThreadTimeToLiveTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override Task<CheckpointSaver> CreateSaverAsync(TimeSpan? threadTimeToLive, TimeProvider timeProvider) =>
        Task.FromResult<CheckpointSaver>(new SqliteCheckpointSaver(
            _database.ConnectionString, new SqliteCheckpointSaverOptions { ThreadTimeToLive = threadTimeToLive, TimeProvider = timeProvider }));

    public void Dispose() => _database.Dispose();
}
