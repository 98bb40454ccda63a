using System.Collections.Immutable;
using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>The update's entries replace or add entries of the current dictionary.</summary>
internal sealed class MergeByKeyChannel<TKey, TValue>(PropertyInfo property) : Channel(property)
    where TKey : notnull
{
    public override ReducerKind Kind => ReducerKind.MergeByKey;

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
