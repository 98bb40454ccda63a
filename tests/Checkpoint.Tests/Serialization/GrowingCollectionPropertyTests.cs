using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MessagePack;
using MessagePack.Resolvers;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// The reader's collection formatters (GrowingCollectionResolver) read exactly what MessagePack's own
/// formatters read: the same values, the same runtime types, and failure on the same bytes.
/// </summary>
public sealed class GrowingCollectionPropertyTests
{
    private static readonly MessagePackSerializerOptions MessagePackOwn = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(SerializerOptions.DefaultMaxDepth));

    public sealed record Note(string? Text, int Weight);

    public sealed record Bag(Dictionary<string, int>? Counts, IReadOnlyList<string?>? Tags, HashSet<long>? Seen, Note?[]? Notes);

    private static byte[] Write<T>(T value) => MessagePackSerializer.Serialize(value, MessagePackOwn);

    /// <summary>Reads <paramref name="payload"/> as <typeparamref name="T"/> both ways and checks both agree.</summary>
    private static void ReadsLikeMessagePack<T>(byte[] payload)
    {
        object? expected;
        try
        {
            expected = MessagePackSerializer.Deserialize<T>(payload, MessagePackOwn);
        }
        catch (MessagePackSerializationException)
        {
            Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<T>(payload, default));
            return;
        }

        var actual = CheckpointSerializer.Default.FromPayload<T>(payload, default);
        Assert.Equal(expected?.GetType(), actual?.GetType());
        Assert.Equal(Write(expected), Write<object?>(actual));
    }

    private static void RoundTripsLikeMessagePack<T>(T value)
    {
        var payload = Write(value);
        ReadsLikeMessagePack<T>(payload);
        Assert.Equal(payload, Write(CheckpointSerializer.Default.FromPayload<T>(payload, default)));
    }

    [Property]
    public void Dictionaries_read_alike(Dictionary<string, long> a, Dictionary<int, string?> b, Dictionary<Guid, bool> c)
    {
        RoundTripsLikeMessagePack(a);
        RoundTripsLikeMessagePack(b);
        RoundTripsLikeMessagePack(c);
        RoundTripsLikeMessagePack<IDictionary<string, long>>(a);
        RoundTripsLikeMessagePack<IReadOnlyDictionary<int, string?>>(b);
        RoundTripsLikeMessagePack<IDictionary<string, List<int>>>(a.ToDictionary(p => p.Key, p => new List<int> { (int)p.Value, 1 }));
    }

    [Property]
    public void Lists_read_alike(List<int?> a, List<string?> b, long[] c)
    {
        RoundTripsLikeMessagePack(a);
        RoundTripsLikeMessagePack(b);
        RoundTripsLikeMessagePack<IList<long>>(c.ToList());
        RoundTripsLikeMessagePack<ICollection<string?>>(b);
        RoundTripsLikeMessagePack<List<List<int?>>>([a, a, []]);
    }

    [Property]
    public void Sets_read_alike(int[] a, string?[] b)
    {
        RoundTripsLikeMessagePack(a.ToHashSet());
        RoundTripsLikeMessagePack<ISet<string?>>(b.ToHashSet());
        RoundTripsLikeMessagePack<IReadOnlySet<int>>(a.ToHashSet());
        ReadsLikeMessagePack<HashSet<int>>(Write(a)); // duplicates: dropped by both
    }

    [Property]
    public void Arrays_and_read_only_interfaces_read_alike(int[] a, string?[] b, NonNull<string>[] texts)
    {
        var notes = texts.Select((t, i) => i % 3 == 0 ? null : new Note(t.Get, i)).ToArray();
        RoundTripsLikeMessagePack(notes);
        RoundTripsLikeMessagePack(new[] { a, a, [] });
        RoundTripsLikeMessagePack<object?[]>([.. a.Select(i => (object?)i), null, "text"]);
        RoundTripsLikeMessagePack<IEnumerable<int>>(a);
        RoundTripsLikeMessagePack<IReadOnlyList<string?>>(b);
        RoundTripsLikeMessagePack<IReadOnlyCollection<int>>(a);
        RoundTripsLikeMessagePack<IReadOnlyList<Note?>>(notes);
    }

    [Property]
    public void Primitive_arrays_read_alike(short[] a, long[] b, double[] c, bool[] d, string?[] e, char[] f, DateTime[] g, bool big)
    {
        // Big: past the initial capacity, where the growing path replaces MessagePack's array formatter.
        T[] Sized<T>(T[] items, T filler) => big ? [.. items, .. Enumerable.Repeat(filler, (InitialCapacity.BudgetBytes / 2) + 1)] : items;
        RoundTripsLikeMessagePack(Sized(a, (short)-3));
        RoundTripsLikeMessagePack(Sized(b, long.MinValue));
        RoundTripsLikeMessagePack(Sized(c, 0.5));
        RoundTripsLikeMessagePack(Sized(d, true));
        RoundTripsLikeMessagePack(Sized(e, null));
        RoundTripsLikeMessagePack(Sized(f, 'é'));
        RoundTripsLikeMessagePack(Sized(g, DateTime.UnixEpoch));
        ReadsLikeMessagePack<int[]>(Write(Sized(b, long.MaxValue))); // overflows: both fail
        ReadsLikeMessagePack<string[]>(Write(Sized(e, "x").Select(s => (object?)s).Append(1).ToArray())); // a number: both fail
    }

    [Property]
    public void Collections_inside_objects_read_alike(Dictionary<string, int> counts, string?[] tags, long[] seen, bool nulls)
    {
        RoundTripsLikeMessagePack(nulls
            ? new Bag(null, null, null, null)
            : new Bag(counts, tags, seen.ToHashSet(), [new Note("a", 1), null]));
    }

    // The same bytes read as another collection type: both readers succeed alike or both fail.
    [Property]
    public void Other_shapes_fail_or_read_alike(List<int?> items, Dictionary<int, int> map)
    {
        var list = Write(items);
        ReadsLikeMessagePack<int[]>(list);
        ReadsLikeMessagePack<Note[]>(list);
        ReadsLikeMessagePack<IReadOnlyList<byte>>(list);
        ReadsLikeMessagePack<HashSet<int>>(list);
        ReadsLikeMessagePack<Dictionary<int, int>>(list);

        var dictionary = Write(map);
        ReadsLikeMessagePack<IReadOnlyDictionary<byte, int>>(dictionary);
        ReadsLikeMessagePack<Dictionary<int, bool>>(dictionary);
        ReadsLikeMessagePack<List<int>>(dictionary);
        ReadsLikeMessagePack<Dictionary<long, long>>(dictionary);
    }

    [Theory]
    [InlineData(new byte[] { 0x90 })] // empty array
    [InlineData(new byte[] { 0x80 })] // empty map
    [InlineData(new byte[] { 0xC0 })] // nil
    public void Empty_and_nil_read_alike(byte[] payload)
    {
        ReadsLikeMessagePack<int?[]>(payload);
        ReadsLikeMessagePack<int[]>(payload);
        ReadsLikeMessagePack<string[]>(payload);
        ReadsLikeMessagePack<Note[]>(payload);
        ReadsLikeMessagePack<IEnumerable<Note>>(payload);
        ReadsLikeMessagePack<IReadOnlyList<string>>(payload);
        ReadsLikeMessagePack<List<Note>>(payload);
        ReadsLikeMessagePack<IList<Note>>(payload);
        ReadsLikeMessagePack<HashSet<string>>(payload);
        ReadsLikeMessagePack<Dictionary<string, Note>>(payload);
        ReadsLikeMessagePack<IReadOnlyDictionary<string, Note>>(payload);
    }

    [Fact]
    public void Past_the_initial_capacity_collections_still_read_alike()
    {
        var count = (InitialCapacity.BudgetBytes / 4) + 3;
        var numbers = Enumerable.Range(0, count).ToList();
        RoundTripsLikeMessagePack(numbers);
        RoundTripsLikeMessagePack(numbers.Select(i => (int?)i).ToArray());
        RoundTripsLikeMessagePack<IReadOnlyList<long>>([.. numbers.Select(i => (long)i)]);
        RoundTripsLikeMessagePack(numbers.ToDictionary(i => i, i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        RoundTripsLikeMessagePack(numbers.ToHashSet());
    }

    [Fact]
    public void The_growable_collections_get_the_growing_formatters_and_the_rest_keep_messagepacks()
    {
        static Type? Of<T>() => GrowingCollectionResolver.Instance.GetFormatter<T>()?.GetType() is { IsGenericType: true } t ? t.GetGenericTypeDefinition() : null;

        Assert.Equal(typeof(GrowingDictionaryFormatter<,,>), Of<Dictionary<string, Note>>());
        Assert.Equal(typeof(GrowingDictionaryFormatter<,,>), Of<IDictionary<string, Note>>());
        Assert.Equal(typeof(GrowingDictionaryFormatter<,,>), Of<IReadOnlyDictionary<string, Note>>());
        Assert.Equal(typeof(GrowingListFormatter<,>), Of<List<int>>());
        Assert.Equal(typeof(GrowingListFormatter<,>), Of<IList<Note>>());
        Assert.Equal(typeof(GrowingListFormatter<,>), Of<ICollection<Note>>());
        Assert.Equal(typeof(GrowingSetFormatter<,>), Of<HashSet<Note>>());
        Assert.Equal(typeof(GrowingSetFormatter<,>), Of<ISet<Note>>());
        Assert.Equal(typeof(GrowingSetFormatter<,>), Of<IReadOnlySet<Note>>());
        Assert.Equal(typeof(GrowingArrayFormatter<,>), Of<Note[]>());
        Assert.Equal(typeof(GrowingArrayFormatter<,>), Of<object[]>());
        Assert.Equal(typeof(GrowingArrayFormatter<,>), Of<IEnumerable<Note>>());
        Assert.Equal(typeof(GrowingArrayFormatter<,>), Of<IReadOnlyList<Note>>());
        Assert.Equal(typeof(GrowingArrayFormatter<,>), Of<IReadOnlyCollection<Note>>());

        Assert.Equal(typeof(GrowingPrimitiveArrayFormatter<>), Of<int[]>());
        Assert.Equal(typeof(GrowingPrimitiveArrayFormatter<>), Of<string[]>());
        Assert.Equal(typeof(GrowingPrimitiveArrayFormatter<>), Of<DateTime[]>());
        Assert.Same(ContractlessStandardResolver.Instance.GetFormatter<byte[]>(), GrowingCollectionResolver.Instance.GetFormatter<byte[]>());
        Assert.Same(ContractlessStandardResolver.Instance.GetFormatter<Note>(), GrowingCollectionResolver.Instance.GetFormatter<Note>());
    }
}
