namespace Checkpoint.Serialization;

/// <summary>Settings of a <see cref="CheckpointSerializer"/>.</summary>
public sealed record SerializerOptions
{
    /// <summary>Payloads at least this long are LZ4-compressed when that makes them smaller.</summary>
    public int CompressionThreshold { get; init; } = 64;

    /// <summary>
    /// A 16, 24 or 32 byte AES key: when set, every blob is encrypted with AES-GCM, its header and
    /// address authenticated, and blobs that are not protected this way are refused. Set it on the
    /// saver's serializer (e.g. <c>SqliteCheckpointSaverOptions.Serializer</c>): the saver is the one
    /// place that decides how stored bytes look, and the graph uses the saver's serializer.
    /// </summary>
    public byte[]? EncryptionKey { get; init; }

    /// <summary>
    /// Migration mode for turning encryption on over existing data: with <see cref="EncryptionKey"/>
    /// set, also read plaintext blobs and blobs encrypted by builds before the header and address
    /// were authenticated. Off by default: anyone who can write to the store can forge such blobs.
    /// New blobs are always written encrypted; <c>CopyThreadAsync</c> re-encrypts a whole thread.
    /// </summary>
    public bool ReadLegacyBlobs { get; init; }
}
