namespace Checkpoint.Storage;

/// <summary>One immutable stored chunk of a blob. Its key is (thread, namespace, blob id, sequence).</summary>
/// <param name="BlobId">The blob (stream of chunks) this chunk belongs to.</param>
/// <param name="Sequence">Position of the chunk in its blob (the index of its first item for lists).</param>
/// <param name="Data">The enveloped, serialized bytes.</param>
public sealed record BlobChunk(Guid BlobId, int Sequence, byte[] Data)
{
    /// <summary>
    /// Null for an ordinary chunk (put is insert-if-absent). Set on a block (a chunk holding the items
    /// <see cref="Sequence"/> to this exclusive end, repacked from the small chunks of that range): the
    /// saver deletes the blob's chunks whose sequence is in (<see cref="Sequence"/>, <c>ReplacesUntil</c>)
    /// and stores the block at <see cref="Sequence"/>, replacing the chunk there, in the same atomic put.
    /// Safe because the block holds the same items as the chunks it replaces.
    /// </summary>
    public int? ReplacesUntil { get; init; }
}
