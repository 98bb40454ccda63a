namespace Checkpoint.Serialization;

/// <summary>Settings of a <see cref="CheckpointSerializer"/>.</summary>
public sealed record SerializerOptions
{
    /// <summary>Payloads at least this long are LZ4-compressed when that makes them smaller.</summary>
    public int CompressionThreshold { get; init; } = 64;

    /// <summary>A 16, 24 or 32 byte AES key: when set, every blob is encrypted with AES-GCM.</summary>
    public byte[]? EncryptionKey { get; init; }
}
