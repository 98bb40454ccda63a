namespace Checkpoint.Serialization;

/// <summary>How blocks (many items of an appended list stored together) are compressed: smaller, or faster to read.</summary>
public enum BlockCompression
{
    /// <summary>
    /// Deflate: the smallest stored bytes. W1 text (64 messages of 200 characters per block) stores ~66 B per
    /// message; a cold read of a long list spends most of its time inflating.
    /// </summary>
    Deflate = 0,

    /// <summary>
    /// LZ4 HC (the default, in blocks of 128 items): blocks decode about three times faster than Deflate (the largest
    /// part of a cold read of a long list), for ~25% more block bytes (W1 stores 0.93 of its raw text at N=500 against
    /// Deflate's 0.84) and a slower block write.
    /// </summary>
    Lz4 = 1,
}
