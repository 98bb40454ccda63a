using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>
/// Arrays of the primitives (and strings) MessagePack reads with dedicated formatters such as
/// <c>Int32ArrayFormatter</c>: an array within <see cref="InitialCapacity"/> is read by that formatter
/// as before; a longer one is read the same way (nil as null, no depth step, each element as the
/// element's own formatter reads it) into an array that doubles up to the header count as elements
/// are decoded. Writes with MessagePack's own formatter.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class GrowingPrimitiveArrayFormatter<T>(IMessagePackFormatter<T[]?> fallback) : IMessagePackFormatter<T[]?>
{
    public void Serialize(ref MessagePackWriter writer, T[]? value, MessagePackSerializerOptions options) =>
        fallback.Serialize(ref writer, value, options);

    public T[]? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var peek = reader.CreatePeekReader();
        int count;
        if (peek.TryReadNil() || (count = peek.ReadArrayHeader()) == InitialCapacity.For(count, Unsafe.SizeOf<T>()))
        {
            return fallback.Deserialize(ref reader, options);
        }

        reader.ReadArrayHeader();
        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        var items = new T[InitialCapacity.For(count, Unsafe.SizeOf<T>())];
        for (var i = 0; i < count; i++)
        {
            reader.CancellationToken.ThrowIfCancellationRequested();
            if (i == items.Length)
            {
                Array.Resize(ref items, (int)Math.Min(count, 2L * items.Length));
            }

            items[i] = formatter.Deserialize(ref reader, options);
        }

        return items;
    }
}
