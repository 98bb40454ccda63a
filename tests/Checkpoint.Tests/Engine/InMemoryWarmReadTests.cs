using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>The warm snapshot reads (chunk cache) on the in-memory saver.</summary>
public sealed class InMemoryWarmReadTests : WarmReadTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() => Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver());
}
