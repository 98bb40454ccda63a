namespace Checkpoint.Storage;

/// <summary>
/// One chunk's content as the cache holds it: the unwrapped MessagePack payload, and the decoded
/// items when they are deeply immutable (then they can be shared by every read; a read always builds
/// a list of its own around them). Neither is ever handed to user code as it is.
/// </summary>
internal sealed record CachedChunk(int Sequence, byte[] Payload, Array? ImmutableItems)
{
    /// <summary>
    /// A hash of the stored bytes the content came from. A repack replaces the chunk at a sequence by a
    /// block holding more items, so a held chunk is reused for stored bytes only when they are the same.
    /// </summary>
    public ulong Fingerprint { get; init; }

    /// <summary>The schema version the chunk was written with (from its envelope).</summary>
    public ushort SchemaVersion { get; init; }

    /// <summary>The estimated memory of the entry: the payload, and the decoded items at about twice its size.</summary>
    public long SizeBytes => Payload.Length + (ImmutableItems is null ? 0 : (2L * Payload.Length) + (IntPtr.Size * ImmutableItems.Length));
}
