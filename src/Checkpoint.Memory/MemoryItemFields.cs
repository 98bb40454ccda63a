using System.Buffers;
using MessagePack;

namespace Checkpoint.Memory;

/// <summary>
/// The run of fields every stored form of an item writes alike, from the typed value to the subject:
/// value, metadata, entities, created, updated, last accessed, importance, access count, expiry,
/// subject (<see cref="Count"/> MessagePack values). <see cref="MemoryItemCodec"/> puts them in an
/// envelope; the markdown store puts them in a bullet's comment.
/// </summary>
internal static class MemoryItemFields
{
    /// <summary>How many MessagePack values <see cref="Write"/> writes.</summary>
    public const int Count = 10;

    /// <summary>Writes the fields of <paramref name="item"/> (metadata sorted by name, so equal items give equal bytes).</summary>
    public static void Write(ref MessagePackWriter writer, MemoryItem item)
    {
        if (item.Value is { } value)
        {
            writer.Write(value.Span);
        }
        else
        {
            writer.WriteNil();
        }

        writer.WriteMapHeader(item.Metadata.Count);
        foreach (var (key, scalar) in item.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.Write(key);
            WriteScalar(ref writer, scalar);
        }

        writer.WriteArrayHeader(item.Entities.Count);
        foreach (var entity in item.Entities)
        {
            writer.Write(entity);
        }

        writer.Write(item.CreatedAt.UtcTicks);
        writer.Write(item.UpdatedAt.UtcTicks);
        writer.Write(item.LastAccessedAt.UtcTicks);
        writer.Write(item.Importance);
        writer.Write(item.AccessCount);
        if (item.ExpiresAt is { } expires)
        {
            writer.Write(expires.UtcTicks);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(item.SubjectId);
    }

    /// <summary>Reads what <see cref="Write"/> wrote into <paramref name="seed"/> (which carries namespace, key, kind, content, version).</summary>
    public static MemoryItem Read(ref MessagePackReader reader, MemoryItem seed)
    {
        ReadOnlyMemory<byte>? value = reader.TryReadNil() ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(reader.ReadBytes()!.Value.ToArray());
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var n = reader.ReadMapHeader(); n > 0; n--)
        {
            var name = reader.ReadString()!;
            metadata[name] = ReadScalar(ref reader);
        }

        var entities = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = reader.ReadString()!;
        }

        return seed with
        {
            Value = value,
            Metadata = metadata,
            Entities = entities,
            CreatedAt = Time(reader.ReadInt64()),
            UpdatedAt = Time(reader.ReadInt64()),
            LastAccessedAt = Time(reader.ReadInt64()),
            Importance = reader.ReadDouble(),
            AccessCount = reader.ReadInt64(),
            ExpiresAt = reader.TryReadNil() ? null : Time(reader.ReadInt64()),
            SubjectId = reader.TryReadNil() ? null : reader.ReadString(),
        };
    }

    private static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static void WriteScalar(ref MessagePackWriter writer, object scalar)
    {
        switch (scalar)
        {
            case string s: writer.Write(s); break;
            case bool b: writer.Write(b); break;
            case long l: writer.Write(l); break;
            case double d: writer.Write(d); break;
            default: throw new ArgumentException($"Metadata value of type {scalar.GetType().Name} is not a normalized scalar.", nameof(scalar));
        }
    }

    private static object ReadScalar(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.String => reader.ReadString()!,
        MessagePackType.Boolean => reader.ReadBoolean(),
        MessagePackType.Integer => reader.ReadInt64(),
        MessagePackType.Float => reader.ReadDouble(),
        var other => throw new MessagePackSerializationException($"metadata value of MessagePack type {other}"),
    };
}
