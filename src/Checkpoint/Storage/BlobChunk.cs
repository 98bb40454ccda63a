namespace Checkpoint.Storage;

/// <summary>One immutable stored chunk of a blob. Its key is (thread, namespace, blob id, sequence).</summary>
/// <param name="BlobId">The blob (stream of chunks) this chunk belongs to.</param>
/// <param name="Sequence">Position of the chunk in its blob (the index of its first item for lists).</param>
/// <param name="Data">The enveloped, serialized bytes.</param>
public sealed record BlobChunk(Guid BlobId, int Sequence, byte[] Data);
