using Checkpoint.Conformance.Encryption;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

/// <summary>The encryption guarantees on the in-memory saver: each "open" is a saver over the same storage with its own keys.</summary>
public sealed class InMemoryEncryptedStorageTests : EncryptedStorageTests
{
    private readonly InMemoryCheckpointSaver _storage = new();

    protected override CheckpointSaver Open(CheckpointSerializer serializer) => _storage.Reopen(serializer);

    protected override Task<IReadOnlyList<byte[]>> RawBytesAsync() => Task.FromResult(_storage.StoredBlobs());
}
