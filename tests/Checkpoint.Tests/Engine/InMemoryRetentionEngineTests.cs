using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Retention on engine-written threads, on the in-memory saver.</summary>
public sealed class InMemoryRetentionEngineTests : RetentionEngineTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() => Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver());
}
