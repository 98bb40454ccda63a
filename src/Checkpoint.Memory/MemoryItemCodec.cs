using System.Buffers;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Memory;

/// <summary>
/// The stored bytes of a <see cref="MemoryItem"/>: a MessagePack array of every field but the
/// namespace and key (which a backend keeps in its own indexed columns and passes back to
/// <see cref="Decode"/>), inside the checkpoint envelope (LZ4, CRC, and AES-GCM when the serializer
/// has a key; an encrypted body is bound to its namespace and key, so it does not open elsewhere).
/// </summary>
public static class MemoryItemCodec
{
    private const int FieldCount = 4 + MemoryItemFields.Count; // revision, kind, content, the shared fields, version
    private const int Revision = 1;

    /// <summary>The enveloped body of an item.</summary>
    public static byte[] Encode(MemoryItem item, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(serializer);
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Revision);
        writer.Write((byte)item.Kind);
        writer.Write(item.Content);
        MemoryItemFields.Write(ref writer, item);
        writer.Write(item.Version);
        writer.Flush();
        return serializer.Wrap(buffer.WrittenSpan, address: Address(item.Namespace, item.Key));
    }

    /// <summary>
    /// The stored bytes of an item's vector when the serializer encrypts: float32 little-endian inside
    /// the envelope, bound to the item's namespace and key (and told apart from its body). Without a key
    /// backends store the raw floats: embeddings can leak meaning, so an encrypted store hides them too.
    /// </summary>
    public static byte[] EncodeVector(ReadOnlySpan<float> vector, MemoryNamespace memoryNamespace, string key, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);
        return serializer.Wrap(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector), address: VectorAddress(memoryNamespace, key));
    }

    /// <summary>Reads a vector written by <see cref="EncodeVector"/>.</summary>
    public static float[] DecodeVector(ReadOnlySpan<byte> stored, MemoryNamespace memoryNamespace, string key, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);
        var location = new BlobLocation(null, null, $"memory {memoryNamespace}:{key} vector");
        var (payload, _) = serializer.Unwrap(stored, location, VectorAddress(memoryNamespace, key));
        if (payload.Length % sizeof(float) != 0)
        {
            throw new CorruptCheckpointException(location, $"stored vector has {payload.Length} bytes, not a whole number of floats.");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(payload).ToArray();
    }

    /// <summary>Reads a body written by <see cref="Encode"/> for the item at <paramref name="memoryNamespace"/> and <paramref name="key"/>.</summary>
    public static MemoryItem Decode(ReadOnlySpan<byte> body, MemoryNamespace memoryNamespace, string key, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);
        var location = new BlobLocation(null, null, $"memory {memoryNamespace}:{key}");
        var (payload, _) = serializer.Unwrap(body, location, Address(memoryNamespace, key));
        try
        {
            var reader = new MessagePackReader(payload);
            var count = reader.ReadArrayHeader();
            if (count < FieldCount)
            {
                throw new CorruptCheckpointException(location, $"memory body has {count} fields, expected {FieldCount}.");
            }

            _ = reader.ReadInt32(); // revision: later revisions append fields
            var kind = (MemoryKind)reader.ReadByte();
            var content = reader.ReadString() ?? "";
            var item = MemoryItemFields.Read(ref reader, new MemoryItem { Namespace = memoryNamespace, Key = key, Kind = kind, Content = content });
            item = item with { Version = reader.ReadInt64() };
            return item;
        }
        catch (MessagePackSerializationException ex)
        {
            throw new CorruptCheckpointException(location, $"memory body is not readable: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The address an item's body is bound to when encrypted. The envelope has no memory address kind
    /// yet, so this borrows the pending-write form with a reserved thread ("memory") and the empty
    /// checkpoint id, which no checkpoint has; each part is length-prefixed, so no two items share an address.
    /// </summary>
    public static BlobAddress Address(MemoryNamespace memoryNamespace, string key)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        return BlobAddress.Write("memory", memoryNamespace.StorageKey, Guid.Empty, key, 0, "item");
    }

    /// <summary>The address an item's sealed vector is bound to: the body's with another channel name, so a body and a vector never open as each other.</summary>
    public static BlobAddress VectorAddress(MemoryNamespace memoryNamespace, string key)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        return BlobAddress.Write("memory", memoryNamespace.StorageKey, Guid.Empty, key, 0, "vector");
    }
}
