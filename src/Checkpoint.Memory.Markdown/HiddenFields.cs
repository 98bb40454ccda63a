using System.Buffers;
using System.Buffers.Text;
using MessagePack;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The fields of an item markdown cannot show, as they go into a bullet's trailing comment
/// (<c>d=</c>): a MessagePack array, base64url. It holds kind, typed value, metadata, entities, times,
/// importance, access count, expiry, subject and — only when the visible text would not read back
/// exactly (carriage returns, odd indentation) — the exact content.
/// </summary>
internal static class HiddenFields
{
    private const int FieldCount = 13;
    private const int Revision = 1;

    /// <summary>The base64url text of an item's hidden fields.</summary>
    public static string Encode(MemoryItem item, string? exactContent)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Revision);
        writer.Write((byte)item.Kind);
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
            switch (scalar)
            {
                case string s: writer.Write(s); break;
                case bool b: writer.Write(b); break;
                case long l: writer.Write(l); break;
                case double d: writer.Write(d); break;
                default: throw new ArgumentException($"Metadata value of type {scalar.GetType().Name} is not a normalized scalar.", nameof(item));
            }
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
        writer.Write(exactContent);
        writer.Flush();
        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads <see cref="Encode"/>'s text into an item carrying <paramref name="memoryNamespace"/>,
    /// <paramref name="key"/>, <paramref name="version"/> and an empty content, plus the exact content
    /// if one was stored. Null when the text is damaged (the bullet then counts as written by a person).
    /// </summary>
    public static (MemoryItem Item, string? ExactContent)? TryDecode(string text, MemoryNamespace memoryNamespace, string key, long version)
    {
        try
        {
            var reader = new MessagePackReader(Base64Url.DecodeFromChars(text));
            if (reader.ReadArrayHeader() < FieldCount)
            {
                return null;
            }

            _ = reader.ReadInt32(); // revision: later revisions append fields
            var kind = (MemoryKind)reader.ReadByte();
            ReadOnlyMemory<byte>? value = reader.TryReadNil() ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(reader.ReadBytes()!.Value.ToArray());
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var n = reader.ReadMapHeader(); n > 0; n--)
            {
                var name = reader.ReadString()!;
                metadata[name] = reader.NextMessagePackType switch
                {
                    MessagePackType.String => reader.ReadString()!,
                    MessagePackType.Boolean => reader.ReadBoolean(),
                    MessagePackType.Integer => reader.ReadInt64(),
                    MessagePackType.Float => reader.ReadDouble(),
                    _ => throw new MessagePackSerializationException("metadata value"),
                };
            }

            var entities = new string[reader.ReadArrayHeader()];
            for (var i = 0; i < entities.Length; i++)
            {
                entities[i] = reader.ReadString()!;
            }

            var item = new MemoryItem
            {
                Namespace = memoryNamespace,
                Key = key,
                Kind = Enum.IsDefined(kind) ? kind : MemoryKind.LongTerm,
                Content = "",
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
                Version = version,
            };
            var exact = reader.TryReadNil() ? null : reader.ReadString();
            return (item, exact);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
