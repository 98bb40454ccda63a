using System.Buffers;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using Microsoft.Extensions.AI;

namespace Checkpoint.Serialization;

/// <summary>
/// Stores the data types of Microsoft.Extensions.AI (<see cref="ChatMessage"/>, <see cref="AIContent"/> and its kinds,
/// <see cref="ChatRole"/>, ...) as their JSON (<see cref="AIJsonUtilities.DefaultOptions"/>) in a MessagePack string.
/// Their members are declared as <c>object</c> and abstract classes without unions, which typed MessagePack cannot
/// rebuild; their JSON contract can (content kinds carry a <c>$type</c>). What JSON does not keep is not kept:
/// <c>RawRepresentation</c> (the provider's own object), and <c>object</c> values such as function arguments, a
/// function result or additional properties come back as <see cref="JsonElement"/>s.
/// </summary>
internal sealed class AIJsonFormatter<T> : IMessagePackFormatter<T>
{
    public static readonly AIJsonFormatter<T> Instance = new();

    private AIJsonFormatter()
    {
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        try
        {
            writer.WriteString(JsonSerializer.SerializeToUtf8Bytes(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T))));
        }
        catch (Exception error) when (error is JsonException or NotSupportedException)
        {
            throw new MessagePackSerializationException($"A {typeof(T).Name} could not be written as JSON: {error.Message}", error);
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return default!;
        }

        var json = reader.ReadStringSequence() ?? throw new MessagePackSerializationException($"A {typeof(T).Name} is stored as a JSON string.");
        try
        {
            var typeInfo = AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T));
            return (T)(json.IsSingleSegment
                ? JsonSerializer.Deserialize(json.FirstSpan, typeInfo)
                : JsonSerializer.Deserialize(json.ToArray(), typeInfo))!;
        }
        catch (JsonException error)
        {
            throw new MessagePackSerializationException($"A stored {typeof(T).Name} is not valid JSON: {error.Message}", error);
        }
    }
}

/// <summary>Which types <see cref="AIJsonFormatter{T}"/> stores.</summary>
internal static class AIJsonTypes
{
    /// <summary>
    /// Data types of the Microsoft.Extensions.AI abstractions: classes and structs of that assembly, not its
    /// interfaces (clients, generators) or delegates, which are no data.
    /// </summary>
    public static bool Stores(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.Assembly == typeof(ChatMessage).Assembly && !type.IsInterface && !typeof(Delegate).IsAssignableFrom(type)
            && !type.IsGenericTypeDefinition;
    }

    /// <summary>The formatter of <typeparamref name="T"/> when it is such a type; null otherwise.</summary>
    public static IMessagePackFormatter<T>? FormatterFor<T>() => Stores(typeof(T)) ? AIJsonFormatter<T>.Instance : null;
}
