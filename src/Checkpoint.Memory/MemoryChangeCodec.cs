using System.Buffers;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Memory;

/// <summary>
/// The stored bytes of a <see cref="MemoryChange"/>'s texts (old, new, sources, reason, subject) inside the
/// checkpoint envelope: compressed, checksummed, and encrypted with the serializer's key, bound to the
/// item's namespace and key. The other fields (namespace, key, version, kind, time, subject) are a
/// backend's columns, passed back to <see cref="Decode"/>.
/// </summary>
public static class MemoryChangeCodec
{
    private const int FieldCount = 6;
    private const int Revision = 1;

    /// <summary>The enveloped texts of a change.</summary>
    public static byte[] Encode(MemoryChange change, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(serializer);
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Revision);
        writer.Write(change.OldContent);
        writer.Write(change.NewContent);
        writer.WriteArrayHeader(change.Sources.Count * 2);
        foreach (var source in change.Sources)
        {
            writer.Write(source.Namespace.StorageKey);
            writer.Write(source.Key);
        }

        writer.Write(change.Reason);
        writer.Write(change.SubjectId); // the backend's column may hold only a keyed hash of it (MemorySubjectTag)
        writer.Flush();
        return serializer.Wrap(buffer.WrittenSpan, address: Address(change.Namespace, change.Key));
    }

    /// <summary>
    /// The change a backend stored: its columns (item, version, kind, time) and the texts written by
    /// <see cref="Encode"/> (the subject comes from the body: a column may hold only its keyed hash).
    /// </summary>
    public static MemoryChange Decode(
        ReadOnlySpan<byte> body, MemoryKey key, long version, MemoryChangeKind kind, DateTimeOffset at, CheckpointSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var columns = new MemoryChange { Namespace = key.Namespace, Key = key.Key, Version = version, Kind = kind, At = at };
        var location = new BlobLocation(null, null, $"memory {columns.Namespace}:{columns.Key} history");
        var (payload, _) = serializer.Unwrap(body, location, Address(columns.Namespace, columns.Key));
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.ReadArrayHeader() < FieldCount)
            {
                throw new CorruptCheckpointException(location, "memory history row has too few fields.");
            }

            _ = reader.ReadInt32();
            var oldContent = reader.ReadString();
            var newContent = reader.ReadString();
            var sourceCount = reader.ReadArrayHeader() / 2;
            var sources = new List<MemoryKey>(Math.Min(sourceCount, 64));
            for (var i = 0; i < sourceCount; i++)
            {
                var ns = MemoryNamespace.Parse(reader.ReadString() ?? "");
                sources.Add(new MemoryKey(ns, reader.ReadString() ?? ""));
            }

            var reason = reader.ReadString();
            return columns with { OldContent = oldContent, NewContent = newContent, Sources = sources, Reason = reason, SubjectId = reader.ReadString() };
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or ArgumentException or EndOfStreamException)
        {
            throw new CorruptCheckpointException(location, $"memory history row is not readable: {ex.Message}", ex);
        }
    }

    /// <summary>The address a history row's texts are bound to: the item's body address with another channel name, so a history row never opens as a body or a vector.</summary>
    public static BlobAddress Address(MemoryNamespace memoryNamespace, string key)
    {
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        return BlobAddress.Write("memory", memoryNamespace.StorageKey, Guid.Empty, key, 0, "history");
    }
}
