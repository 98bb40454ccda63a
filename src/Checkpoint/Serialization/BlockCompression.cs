namespace Checkpoint.Serialization;

/// <summary>How blocks (many items of an appended list stored together) are compressed: smaller, or faster to read.</summary>
public enum BlockCompression
{
    /// <summary>
    /// Deflate (the default): the smallest stored bytes. W1 text (64 messages of 200 characters per block) stores
    /// ~66 B per message.
    /// </summary>
    Deflate = 0,

    /// <summary>
    /// LZ4 HC: blocks decode about three times faster than Deflate (the largest part of a cold read of a long list),
    /// for ~40% more block bytes and a slower block write. For threads read far more often than they are written.
    /// </summary>
    Lz4 = 1,
}
