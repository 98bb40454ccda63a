using Checkpoint.Conformance;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

/// <summary>The in-memory saver passes the shared conformance suite.</summary>
public sealed class InMemorySaverConformanceTests : CheckpointSaverConformanceTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() => Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver());
}
