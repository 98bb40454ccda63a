using Checkpoint.Serialization;
using System.Collections.Immutable;
using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>The update's items are appended; values are rebuilt in the property's collection type.</summary>
internal sealed class AppendChannel<T>(PropertyInfo property) : Channel(property)
{
    // Immutable items can be shared between list values; others are copied with the list.
    private readonly bool _itemsImmutable = ValueImmutability.IsImmutable(typeof(T));

    public override ReducerKind Kind => ReducerKind.Append;

    public override Type? ItemType => typeof(T);

    public override Type WriteType => typeof(T[]);

    public override object? Reduce(object? current, object? update)
    {
        var items = Items(update);
        if (items.Length == 0 && current is not null)
        {
            return current;
        }

        return current switch
        {
            ImmutableList<T> immutable => immutable.AddRange(items),
            AppendOnlyList<T> shared => shared.AddRange(items),
            _ => Build(ItemsOf(current).Concat(items)),
        };
    }

    /// <summary>Appends copies of the update's items (the reduced list is always a list of its own).</summary>
    public override object? Apply(object? current, object? update, CheckpointSerializer serializer)
    {
        var items = Items(update);
        return Reduce(current, ItemsImmutable(items) ? items : RoundTrip(typeof(T[]), items, serializer));
    }

    /// <summary>
    /// Immutable lists (<see cref="AppendOnlyList{T}"/>, <see cref="ImmutableList{T}"/>) of immutable
    /// items are shared, so the O(1) append path costs nothing; other lists are rebuilt, and
    /// mutable items copied through MessagePack.
    /// </summary>
    public override object? Copy(object? value, CheckpointSerializer serializer)
    {
        if (value is null)
        {
            return null;
        }

        var items = ItemsOf(value);
        if (!ItemsImmutable(items))
        {
            return Build((T[])RoundTrip(typeof(T[]), ItemsFrom(value, 0), serializer)!);
        }

        return value is AppendOnlyList<T> or ImmutableList<T> && ValueType.IsInstanceOfType(value) ? value : Build(items);
    }

    public override object? NormalizeUpdate(object? update) => Items(update);

    public override bool IsUnset(object? value, object? defaultValue) => ItemsOf(value).Count == 0;

    public override Array ItemsFrom(object? value, int from)
    {
        var items = ItemsOf(value);
        if (items is IReadOnlyList<T> list)
        {
            var tail = new T[Math.Max(0, list.Count - from)];
            for (var i = 0; i < tail.Length; i++)
            {
                tail[i] = list[from + i];
            }

            return tail;
        }

        return items.Skip(from).ToArray();
    }

    public override int CountItems(object? value) => ItemsOf(value).Count;

    public override bool HasPrefixViews => ValueType.IsAssignableFrom(typeof(AppendOnlyList<T>));

    public override object Prefix(object value, int count) =>
        value is AppendOnlyList<T> shared ? shared.Prefix(count) : Build(ItemsOf(value).Take(count));

    public override object? FromItemArrays(IEnumerable<Array> arrays) => Build(arrays.SelectMany(a => (T[])a));

    /// <summary>The items an update appends: one item, or a collection of items.</summary>
    public T[] Items(object? update) => update switch
    {
        null => [],
        T item => [item],
        IEnumerable<T> items => [.. items],
        _ => throw WrongType(update),
    };

    /// <summary>True when every item is deeply immutable (checked item by item only for an interface or abstract item type).</summary>
    private bool ItemsImmutable(IEnumerable<T> items) =>
        _itemsImmutable || ((typeof(T).IsInterface || typeof(T).IsAbstract) && items.All(i => i is null || ValueImmutability.IsImmutable(i.GetType())));

    /// <summary>The items of a channel value.</summary>
    public static IReadOnlyCollection<T> ItemsOf(object? value) => value switch
    {
        null => [],
        IReadOnlyCollection<T> collection => collection,
        IEnumerable<T> items => [.. items],
        _ => throw new InvalidUpdateException($"Value of type {value.GetType().Name} is not a list of {typeof(T).Name}."),
    };

    /// <summary>A value of the property's type holding <paramref name="items"/>.</summary>
    public object Build(IEnumerable<T> items)
    {
        if (ValueType.IsArray)
        {
            return items.ToArray();
        }

        if (ValueType == typeof(ImmutableList<T>))
        {
            return ImmutableList.CreateRange(items);
        }

        if (ValueType.IsAssignableFrom(typeof(AppendOnlyList<T>)))
        {
            return AppendOnlyList<T>.From(items); // read-only list types: amortized O(1) appends
        }

        var list = new List<T>(items);
        return ValueType.IsAssignableFrom(typeof(List<T>))
            ? list
            : throw new InvalidUpdateException($"Append channel '{Name}' has unsupported type {ValueType.Name}.");
    }
}
