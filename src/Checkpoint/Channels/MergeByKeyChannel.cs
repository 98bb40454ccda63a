using Checkpoint.Serialization;
using System.Collections.Immutable;
using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>The update's entries replace or add entries of the current dictionary.</summary>
internal sealed class MergeByKeyChannel<TKey, TValue>(PropertyInfo property) : Channel(property)
    where TKey : notnull
{
    // Immutable keys and values can be shared between dictionaries; others are copied.
    private readonly bool _entriesImmutable = ValueImmutability.IsImmutable(typeof(TKey)) && ValueImmutability.IsImmutable(typeof(TValue));

    public override ReducerKind Kind => ReducerKind.MergeByKey;

    /// <summary>Merges copies of the update's entries (the merged dictionary is always one of its own).</summary>
    public override object? Apply(object? current, object? update, CheckpointSerializer serializer) =>
        _entriesImmutable || update is not IEnumerable<KeyValuePair<TKey, TValue>> entries
            ? Reduce(current, update)
            : Reduce(current, RoundTrip(typeof(KeyValuePair<TKey, TValue>[]), entries.ToArray(), serializer));

    /// <summary>An immutable dictionary of immutable entries is shared; others are rebuilt, mutable entries copied through MessagePack.</summary>
    public override object? Copy(object? value, CheckpointSerializer serializer) => value switch
    {
        null => null,
        _ when !_entriesImmutable => RoundTrip(ValueType, value, serializer),
        ImmutableDictionary<TKey, TValue> => value,
        IEnumerable<KeyValuePair<TKey, TValue>> entries => new Dictionary<TKey, TValue>(entries),
        _ => throw WrongType(value),
    };

    public override object? Reduce(object? current, object? update)
    {
        if (update is null)
        {
            return current;
        }

        if (update is not IEnumerable<KeyValuePair<TKey, TValue>> entries)
        {
            throw WrongType(update);
        }

        if (current is ImmutableDictionary<TKey, TValue> immutable)
        {
            return immutable.SetItems(entries);
        }

        var merged = current is IEnumerable<KeyValuePair<TKey, TValue>> existing
            ? new Dictionary<TKey, TValue>(existing)
            : [];
        foreach (var (key, value) in entries)
        {
            merged[key] = value;
        }

        return ValueType == typeof(ImmutableDictionary<TKey, TValue>) ? merged.ToImmutableDictionary() : merged;
    }

    public override bool IsUnset(object? value, object? defaultValue) =>
        value is null || (value is IReadOnlyCollection<KeyValuePair<TKey, TValue>> { Count: 0 });
}
