namespace Checkpoint.Sqlite;

/// <summary>How ids and chunk keys are stored.</summary>
internal static class SqliteKeys
{
    /// <summary>A blob greater than every 16-byte id: the cursor of a list without "before".</summary>
    public static readonly byte[] AfterEveryId = [.. Enumerable.Repeat((byte)0xFF, 17)];

    /// <summary>The stored form of an id: big-endian bytes, so byte order is time order.</summary>
    public static byte[] ToBytes(Guid id) => id.ToByteArray(bigEndian: true);

    /// <summary>The stored form of an optional id (null binds as SQL NULL on a raw statement).</summary>
    public static byte[]? ToBytesOrNull(Guid? id) => id is { } value ? ToBytes(value) : null;

    /// <summary>Reads a stored id.</summary>
    public static Guid FromBytes(byte[] bytes) => new(bytes, bigEndian: true);

    /// <summary>
    /// The integer key of a chunk: the blob's row id in the high 32 bits, the sequence in the low
    /// 32 bits, so a run of a blob is one key range of the chunks table.
    /// </summary>
    public static long ChunkKey(long blob, int sequence) => (blob << 32) | (uint)sequence;

    /// <summary>The first chunk key of a blob.</summary>
    public static long FirstKey(long blob) => blob << 32;

    /// <summary>The key after the last possible chunk of a blob.</summary>
    public static long EndKey(long blob) => (blob + 1) << 32;

    /// <summary>The sequence number of a chunk key.</summary>
    public static int Sequence(long key) => (int)(key & 0xFFFFFFFF);
}
