using Checkpoint.Conformance.Engine;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>The list compaction through the engine on the in-memory saver.</summary>
public sealed class InMemoryCompactionTests : CompactionTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync() => Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver());
}
