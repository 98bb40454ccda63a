using System.Runtime.CompilerServices;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>
/// Reads a map as MessagePack's <c>DictionaryFormatterBase</c> does (into a
/// <see cref="Dictionary{TKey, TValue}"/> with the security's key comparer, one depth step, nil as
/// null), but sized by <see cref="InitialCapacity"/> instead of the header count. Writes with
/// MessagePack's own formatter for <typeparamref name="TResult"/>.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TResult">The type read: the dictionary or an interface it implements.</typeparam>
internal sealed class GrowingDictionaryFormatter<TKey, TValue, TResult>(IMessagePackFormatter<TResult?> fallback) : IMessagePackFormatter<TResult?>
    where TKey : notnull
    where TResult : class, IEnumerable<KeyValuePair<TKey, TValue>>
{
    // An entry holds its key, value, hash code and next index; each also takes a bucket.
    private static readonly int EntryBytes = Unsafe.SizeOf<KeyValuePair<TKey, TValue>>() + 12;

    public void Serialize(ref MessagePackWriter writer, TResult? value, MessagePackSerializerOptions options) =>
        fallback.Serialize(ref writer, value, options);

    public TResult? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var count = reader.ReadMapHeader();
        var dictionary = new Dictionary<TKey, TValue>(InitialCapacity.For(count, EntryBytes), options.Security.GetEqualityComparer<TKey>());
        var capacity = dictionary.EnsureCapacity(0);
        options.Security.DepthStep(ref reader);
        try
        {
            if (count > 0)
            {
                var keyFormatter = options.Resolver.GetFormatterWithVerify<TKey>();
                var valueFormatter = options.Resolver.GetFormatterWithVerify<TValue>();
                for (var i = 0; i < count; i++)
                {
                    reader.CancellationToken.ThrowIfCancellationRequested();
                    var key = keyFormatter.Deserialize(ref reader, options);
                    var value = valueFormatter.Deserialize(ref reader, options);
                    if (dictionary.Count == capacity)
                    {
                        // Double, but never past the count: the dictionary ends as large as a pre-sized one.
                        capacity = dictionary.EnsureCapacity((int)Math.Min(count, 2L * capacity));
                    }

                    dictionary.Add(key, value);
                }
            }
        }
        finally
        {
            reader.Depth--;
        }

        return (TResult)(object)dictionary;
    }
}
