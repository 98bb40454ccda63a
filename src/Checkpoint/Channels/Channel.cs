using System.Reflection;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Channels;

/// <summary>One state property seen as a channel: its type, reducer and accessors.</summary>
internal abstract class Channel(PropertyInfo property)
{
    public string Name { get; } = property.Name;

    public Type ValueType { get; } = property.PropertyType;

    public abstract ReducerKind Kind { get; }

    /// <summary>For append channels, the element type; the values written and stored are arrays of it.</summary>
    public virtual Type? ItemType => null;

    public object? Get(object state) => property.GetValue(state);

    public void Set(object state, object? value) => property.SetValue(state, value);

    /// <summary>The value after <paramref name="update"/> is applied to <paramref name="current"/>.</summary>
    public abstract object? Reduce(object? current, object? update);

    /// <summary>
    /// The value the engine keeps after <paramref name="update"/> is applied to <paramref name="current"/>:
    /// like <see cref="Reduce"/>, but sharing nothing mutable with the update, so the node that
    /// returned it cannot change the state later by changing the objects it returned.
    /// </summary>
    public virtual object? Apply(object? current, object? update, CheckpointSerializer serializer) => Copy(Reduce(current, update), serializer);

    /// <summary>
    /// A value equal to <paramref name="value"/> that shares nothing mutable with it: the value itself
    /// when it is deeply immutable (<see cref="ValueImmutability"/>) and of the type storage reads back,
    /// otherwise a MessagePack round trip, so the copy is also exactly what a reload returns.
    /// </summary>
    public virtual object? Copy(object? value, CheckpointSerializer serializer)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.GetType();
        var storedAsItself = type == ValueType || ValueType.IsInterface || ValueType.IsAbstract || Nullable.GetUnderlyingType(ValueType) == type;
        return storedAsItself && ValueImmutability.IsImmutable(type) ? value : RoundTrip(ValueType, value, serializer);
    }

    /// <summary>The form an update is stored in as a pending write (its type is <see cref="WriteType"/>).</summary>
    public virtual object? NormalizeUpdate(object? update) => update;

    /// <summary>The type of normalized updates.</summary>
    public virtual Type WriteType => ValueType;

    /// <summary>For append channels: the items of <paramref name="value"/> from index <paramref name="from"/> on, as a T[].</summary>
    public virtual Array ItemsFrom(object? value, int from) => throw new NotSupportedException($"Channel '{Name}' is not an append channel.");

    /// <summary>For append channels: the item count of <paramref name="value"/>.</summary>
    public virtual int CountItems(object? value) => throw new NotSupportedException($"Channel '{Name}' is not an append channel.");

    /// <summary>For append channels: a value of the property's type built from stored item arrays.</summary>
    public virtual object? FromItemArrays(IEnumerable<Array> arrays) => throw new NotSupportedException($"Channel '{Name}' is not an append channel.");

    /// <summary>For append channels: true when <see cref="Prefix"/> shares the list instead of copying it.</summary>
    public virtual bool HasPrefixViews => false;

    /// <summary>For append channels: the first <paramref name="count"/> items of a list value.</summary>
    public virtual object Prefix(object value, int count) => throw new NotSupportedException($"Channel '{Name}' is not an append channel.");

    /// <summary>True when <paramref name="value"/> is this channel's default (an input leaves it unset).</summary>
    public abstract bool IsUnset(object? value, object? defaultValue);

    /// <summary>A deep copy of <paramref name="value"/> through the bytes storage would hold (the saver's serializer: its limits).</summary>
    protected object? RoundTrip(Type type, object? value, CheckpointSerializer serializer) => serializer.Copy(type, value, new BlobLocation(null, null, Name));

    protected InvalidUpdateException WrongType(object? update) => new(
        $"Channel '{Name}' of type {ValueType.Name} cannot take a value of type {update?.GetType().Name ?? "null"}.");
}
