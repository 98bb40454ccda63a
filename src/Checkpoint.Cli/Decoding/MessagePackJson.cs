using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using MessagePack;

namespace Checkpoint.Cli.Decoding;

/// <summary>
/// Reads MessagePack into a generic JSON tree, without the application's types: maps become objects (non-string
/// keys are written as text), binary becomes base64, the timestamp extension an ISO date, other extensions
/// <c>{"$ext": type, "base64": ...}</c>. Nesting is limited as the library's serializer limits it
/// (<see cref="Checkpoint.Serialization.SerializerOptions.MaxDepth"/>), so a hostile blob cannot overflow the stack.
/// </summary>
internal static class MessagePackJson
{
    public static JsonNode? Read(ReadOnlyMemory<byte> payload, int maxDepth)
    {
        var reader = new MessagePackReader(payload);
        var node = ReadValue(ref reader, maxDepth);
        if (!reader.End)
        {
            throw new FormatException($"{reader.Sequence.Length - reader.Consumed} bytes follow the value.");
        }

        return node;
    }

    /// <summary>Reads an array's items one by one (a chunk of list items), each as a tree.</summary>
    public static List<JsonNode?> ReadItems(ReadOnlyMemory<byte> payload, int maxDepth)
    {
        var reader = new MessagePackReader(payload);
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw new FormatException($"a chunk of list items must be an array, not {reader.NextMessagePackType}.");
        }

        var count = reader.ReadArrayHeader();
        var items = new List<JsonNode?>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            items.Add(ReadValue(ref reader, maxDepth - 1));
        }

        if (!reader.End)
        {
            throw new FormatException($"{reader.Sequence.Length - reader.Consumed} bytes follow the items.");
        }

        return items;
    }

    private static JsonNode? ReadValue(ref MessagePackReader reader, int depth)
    {
        if (depth < 0)
        {
            throw new FormatException("the value nests deeper than the serializer's MaxDepth.");
        }

        try
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Nil:
                    reader.ReadNil();
                    return null;
                case MessagePackType.Boolean:
                    return JsonValue.Create(reader.ReadBoolean());
                case MessagePackType.Integer:
                    return reader.NextCode == MessagePackCode.UInt64 ? JsonValue.Create(reader.ReadUInt64()) : JsonValue.Create(reader.ReadInt64());
                case MessagePackType.Float:
                    return reader.NextCode == MessagePackCode.Float32 ? JsonValue.Create(reader.ReadSingle()) : JsonValue.Create(reader.ReadDouble());
                case MessagePackType.String:
                    return JsonValue.Create(reader.ReadString());
                case MessagePackType.Binary:
                    return JsonValue.Create(Convert.ToBase64String(reader.ReadBytes()!.Value.ToArray()));
                case MessagePackType.Array:
                    {
                        var count = reader.ReadArrayHeader();
                        var array = new JsonArray();
                        for (var i = 0; i < count; i++)
                        {
                            array.Add(ReadValue(ref reader, depth - 1));
                        }

                        return array;
                    }

                case MessagePackType.Map:
                    {
                        var count = reader.ReadMapHeader();
                        var map = new JsonObject();
                        for (var i = 0; i < count; i++)
                        {
                            var key = ReadValue(ref reader, depth - 1);
                            var name = key is JsonValue value && value.TryGetValue<string>(out var text) ? text : key?.ToJsonString() ?? "null";
                            map[name] = ReadValue(ref reader, depth - 1);
                        }

                        return map;
                    }

                case MessagePackType.Extension:
                    return ReadExtension(ref reader);
                default:
                    throw new FormatException($"unknown MessagePack code 0x{reader.NextCode:X2}.");
            }
        }
        catch (EndOfStreamException)
        {
            throw new FormatException("the bytes end inside a value (truncated).");
        }
        catch (MessagePackSerializationException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static JsonNode ReadExtension(ref MessagePackReader reader)
    {
        var peek = reader.CreatePeekReader();
        var header = peek.ReadExtensionFormatHeader();
        if (header.TypeCode == ReservedMessagePackExtensionTypeCode.DateTime)
        {
            return JsonValue.Create(reader.ReadDateTime().ToString("O", CultureInfo.InvariantCulture));
        }

        var extension = reader.ReadExtensionFormat();
        return new JsonObject
        {
            ["$ext"] = extension.Header.TypeCode,
            ["base64"] = Convert.ToBase64String(extension.Data.ToArray()),
        };
    }
}
