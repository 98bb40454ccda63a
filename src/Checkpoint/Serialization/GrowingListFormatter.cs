using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>
/// Reads an array as MessagePack's <c>ListFormatter</c> and <c>InterfaceListFormatter2</c> do (into a
/// <see cref="List{T}"/>, one depth step, nil as null), but sized by <see cref="InitialCapacity"/>
/// instead of the header count. Writes with MessagePack's own formatter for <typeparamref name="TResult"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TResult">The type read: the list or an interface it implements.</typeparam>
internal sealed class GrowingListFormatter<T, TResult>(IMessagePackFormatter<TResult?> fallback) : IMessagePackFormatter<TResult?>
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

        var formatter = options.Resolver.GetFormatterWithVerify<T>();
        var count = reader.ReadArrayHeader();
        var list = new List<T>(InitialCapacity.For(count, Unsafe.SizeOf<T>()));
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
            {
                reader.CancellationToken.ThrowIfCancellationRequested();
                if (i == list.Capacity)
                {
                    // Double, but never past the count: the list ends exactly as large as a pre-sized one.
                    list.Capacity = (int)Math.Min(count, 2L * i);
                }

                list.Add(formatter.Deserialize(ref reader, options));
            }
        }
        finally
        {
            reader.Depth--;
        }

        return (TResult)(object)list;
    }
}
