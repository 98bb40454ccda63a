using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>
/// Reads an array into a <typeparamref name="T"/>[] as MessagePack's <c>ArrayFormatter</c> (or, with
/// <c>asCollection</c>, its array-backed interface formatters such as <c>InterfaceReadOnlyListFormatter</c>)
/// does, but starts from <see cref="InitialCapacity"/> and doubles up to the header count as elements
/// are decoded, so the array is exactly the count long once every element has been read. Writes with
/// MessagePack's own formatter for <typeparamref name="TResult"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TResult">The type read: the array or an interface it implements.</typeparam>
internal sealed class GrowingArrayFormatter<T, TResult>(IMessagePackFormatter<TResult?> fallback, bool asCollection) : IMessagePackFormatter<TResult?>
    where TResult : class, IEnumerable<T>
{
    public void Serialize(ref MessagePackWriter writer, TResult? value, MessagePackSerializerOptions options) =>
        fallback.Serialize(ref writer, value, options);

    public TResult? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        // ArrayFormatter asks for the element formatter and steps in depth only for a non-empty array;
        // the collection formatters always do. Kept, so that both fail on exactly the same inputs.
        var formatter = asCollection ? options.Resolver.GetFormatterWithVerify<T>() : null;
        var count = reader.ReadArrayHeader();
        if (count == 0 && !asCollection)
        {
            return (TResult)(object)Array.Empty<T>();
        }

        formatter ??= options.Resolver.GetFormatterWithVerify<T>();
        var items = count == 0 ? Array.Empty<T>() : new T[InitialCapacity.For(count, Unsafe.SizeOf<T>())];
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
            {
                reader.CancellationToken.ThrowIfCancellationRequested();
                if (i == items.Length)
                {
                    Array.Resize(ref items, (int)Math.Min(count, 2L * items.Length));
                }

                items[i] = formatter.Deserialize(ref reader, options);
            }
        }
        finally
        {
            reader.Depth--;
        }

        return (TResult)(object)items;
    }
}
