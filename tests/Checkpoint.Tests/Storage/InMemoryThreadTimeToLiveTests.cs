using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

/// <summary>The in-memory saver passes the shared thread time-to-live suite.</summary>
public sealed class InMemoryThreadTimeToLiveTests : ThreadTimeToLiveTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync(TimeSpan? threadTimeToLive, TimeProvider timeProvider) =>
        Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver(
            new InMemoryCheckpointSaverOptions { ThreadTimeToLive = threadTimeToLive, TimeProvider = timeProvider }));
}
