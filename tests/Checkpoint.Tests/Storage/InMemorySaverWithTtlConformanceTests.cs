using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

/// <summary>The whole conformance suite with a thread time to live that never passes: expiry changes nothing else.</summary>
public sealed class InMemorySaverWithTtlConformanceTests : CheckpointSaverConformanceTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() =>
        Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver(new InMemoryCheckpointSaverOptions { ThreadTimeToLive = TimeSpan.FromDays(1) }));
}
