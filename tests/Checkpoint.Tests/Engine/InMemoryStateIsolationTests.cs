using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>The state isolation and state type checks on the in-memory saver.</summary>
public sealed class InMemoryStateIsolationTests : StateIsolationTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() => Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver());
}
