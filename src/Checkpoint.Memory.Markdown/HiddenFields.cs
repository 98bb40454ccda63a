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
    private const int FieldCount = 3 + MemoryItemFields.Count; // revision, kind, the shared fields, exact content
    private const int Revision = 1;

    /// <summary>The base64url text of an item's hidden fields.</summary>
    public static string Encode(MemoryItem item, string? exactContent)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Revision);
        writer.Write((byte)item.Kind);
        MemoryItemFields.Write(ref writer, item);
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
            var item = MemoryItemFields.Read(
                ref reader,
                new MemoryItem { Namespace = memoryNamespace, Key = key, Kind = Enum.IsDefined(kind) ? kind : MemoryKind.LongTerm, Content = "", Version = version });
            var exact = reader.TryReadNil() ? null : reader.ReadString();
            return (item, exact);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }

}
