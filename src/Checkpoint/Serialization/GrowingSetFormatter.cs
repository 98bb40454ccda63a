using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>
/// Reads an array as MessagePack's <c>HashSetFormatter</c> and <c>InterfaceSetFormatter</c> do (into a
/// <see cref="HashSet{T}"/> with the security's comparer, duplicates ignored, one depth step, nil as
/// null), created with <see cref="InitialCapacity"/> rather than growing from empty. Writes with
/// MessagePack's own formatter for <typeparamref name="TResult"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TResult">The type read: the set or an interface it implements.</typeparam>
internal sealed class GrowingSetFormatter<T, TResult>(IMessagePackFormatter<TResult?> fallback) : IMessagePackFormatter<TResult?>
    where TResult : class, IEnumerable<T>
{
    // An entry holds its value, hash code and next index; each also takes a bucket.
    private static readonly int EntryBytes = Unsafe.SizeOf<T>() + 12;

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
        var set = new HashSet<T>(InitialCapacity.For(count, EntryBytes), options.Security.GetEqualityComparer<T>());
        var capacity = set.EnsureCapacity(0);
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
            {
                reader.CancellationToken.ThrowIfCancellationRequested();
                if (set.Count == capacity)
                {
                    // Double, but never past the count, as the dictionary does.
                    capacity = set.EnsureCapacity((int)Math.Min(count, 2L * capacity));
                }

                set.Add(formatter.Deserialize(ref reader, options));
            }
        }
        finally
        {
            reader.Depth--;
        }

        return (TResult)(object)set;
    }
}
