namespace Checkpoint.Serialization;

/// <summary>Codec flags stored in a blob envelope.</summary>
[Flags]
public enum EnvelopeCodecs : byte
{
    /// <summary>Stored as is.</summary>
    None = 0,

    /// <summary>The body is LZ4-compressed.</summary>
    Lz4 = 1,

    /// <summary>The body is AES-GCM encrypted (nonce, ciphertext, tag).</summary>
    AesGcm = 2,

    /// <summary>The body is raw Deflate (RFC 1951): blocks of many items, where entropy coding makes text much smaller than LZ4 does.</summary>
    Deflate = 4,
}
