using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Checkpoint.Serialization;

/// <summary>
/// The contractless resolver for reading, with the formatters of the common growable collections (and arrays)
/// replaced by ones that never pre-size from the header count (issue 14, item 3). MessagePack
/// creates <c>new Dictionary(count)</c>, <c>new List(count)</c> or <c>new T[count]</c> before reading
/// an entry, so well-formed bytes declaring millions of one- or two-byte entries made a reader
/// allocate ~20–30 bytes per byte stored before failing on, say, a duplicate key. A formatter is
/// replaced only where the contractless resolver would use the MessagePack one it mirrors, so the
/// values read, and the errors thrown, stay the same.
/// </summary>
internal sealed class GrowingCollectionResolver : IFormatterResolver
{
    public static readonly GrowingCollectionResolver Instance = new();

    // MessagePack's formatter (generic definition) → the one that replaces it, and for arrays whether it
    // follows the collection formatters' rules for empty arrays (true) or ArrayFormatter's (false).
    private static readonly Dictionary<Type, (Type Formatter, bool? AsCollection)> Replacements = new()
    {
        [typeof(DictionaryFormatter<,>)] = (typeof(GrowingDictionaryFormatter<,,>), null),
        [typeof(InterfaceDictionaryFormatter<,>)] = (typeof(GrowingDictionaryFormatter<,,>), null),
        [typeof(InterfaceReadOnlyDictionaryFormatter<,>)] = (typeof(GrowingDictionaryFormatter<,,>), null),
        [typeof(ListFormatter<>)] = (typeof(GrowingListFormatter<,>), null),
        [typeof(InterfaceListFormatter2<>)] = (typeof(GrowingListFormatter<,>), null),
        [typeof(InterfaceCollectionFormatter2<>)] = (typeof(GrowingListFormatter<,>), null),
        [typeof(HashSetFormatter<>)] = (typeof(GrowingSetFormatter<,>), null),
        [typeof(InterfaceSetFormatter<>)] = (typeof(GrowingSetFormatter<,>), null),
        [typeof(InterfaceReadOnlySetFormatter<>)] = (typeof(GrowingSetFormatter<,>), null),
        [typeof(ArrayFormatter<>)] = (typeof(GrowingArrayFormatter<,>), false),
        [typeof(InterfaceEnumerableFormatter<>)] = (typeof(GrowingArrayFormatter<,>), true),
        [typeof(InterfaceReadOnlyListFormatter<>)] = (typeof(GrowingArrayFormatter<,>), true),
        [typeof(InterfaceReadOnlyCollectionFormatter<>)] = (typeof(GrowingArrayFormatter<,>), true),
    };

    // Arrays MessagePack reads with a dedicated formatter per element type (byte[] is binary, not an array).
    private static readonly HashSet<Type> PrimitiveArrays =
    [
        typeof(short[]), typeof(int[]), typeof(long[]), typeof(ushort[]), typeof(uint[]), typeof(ulong[]), typeof(float[]),
        typeof(double[]), typeof(bool[]), typeof(sbyte[]), typeof(DateTime[]), typeof(char[]), typeof(string[]),
    ];

    private GrowingCollectionResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static IMessagePackFormatter<T>? Replace<T>(IMessagePackFormatter<T>? fallback)
    {
        if (fallback is not null && PrimitiveArrays.Contains(typeof(T)) && fallback.GetType().Namespace == "MessagePack.Formatters")
        {
            var primitive = typeof(GrowingPrimitiveArrayFormatter<>).MakeGenericType(typeof(T).GetElementType()!);
            return (IMessagePackFormatter<T>)Activator.CreateInstance(primitive, fallback)!;
        }

        if (fallback?.GetType() is not { IsGenericType: true } formatterType
            || !Replacements.TryGetValue(formatterType.GetGenericTypeDefinition(), out var replacement))
        {
            return fallback;
        }

        // MessagePack's type arguments (element, or key and value), then the type read.
        var type = replacement.Formatter.MakeGenericType([.. formatterType.GetGenericArguments(), typeof(T)]);
        object?[] arguments = replacement.AsCollection is { } asCollection ? [fallback, asCollection] : [fallback];
        return (IMessagePackFormatter<T>)Activator.CreateInstance(type, arguments)!;
    }

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter =
            AIJsonTypes.FormatterFor<T>() ?? Replace(ContractlessStandardResolver.Instance.GetFormatter<T>());
    }
}
