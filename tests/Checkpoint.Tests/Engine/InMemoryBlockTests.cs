using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Blocks written in the put, on the in-memory saver (one store per saver: the twins are two savers).</summary>
public sealed class InMemoryBlockTests : BlockTests
{
    protected override Task<CheckpointSaver> CreateSaverAsync(CheckpointSerializer serializer) =>
        Task.FromResult<CheckpointSaver>(new InMemoryCheckpointSaver(serializer));
}
