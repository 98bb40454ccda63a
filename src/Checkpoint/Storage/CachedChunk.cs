namespace Checkpoint.Storage;

/// <summary>
/// One chunk's content as the cache holds it: the unwrapped MessagePack payload, or, when the items are deeply
/// immutable, the decoded items (shared by every read; a read always builds a list of its own around them) and the
/// stored bytes they came from instead of the payload. Neither is ever handed to user code as it is.
/// </summary>
internal sealed record CachedChunk(int Sequence, byte[]? Payload, Array? ImmutableItems)
{
    /// <summary>
    /// A hash of the stored bytes the content came from. A repack replaces the chunk at a sequence by a
    /// block holding more items, so a held chunk is reused for stored bytes only when they are the same.
    /// </summary>
    public ulong Fingerprint { get; init; }

    /// <summary>The schema version the chunk was written with (from its envelope).</summary>
    public ushort SchemaVersion { get; init; }

    /// <summary>
    /// The stored bytes, kept instead of <see cref="Payload"/> beside <see cref="ImmutableItems"/>: smaller than the
    /// payload, and unwrapped again only by a read that needs the items as another type.
    /// </summary>
    public byte[]? Stored { get; init; }

    /// <summary>The length of the payload the <see cref="ImmutableItems"/> were decoded from (it is not held).</summary>
    public int PayloadLength { get; init; }

    /// <summary>The estimated memory of the entry: the bytes held, and the decoded items at about twice the payload's size.</summary>
    public long SizeBytes =>
        (Payload?.Length ?? 0) + (Stored?.Length ?? 0) +
        (ImmutableItems is null ? 0 : (2L * PayloadLength) + (IntPtr.Size * ImmutableItems.Length));
}
