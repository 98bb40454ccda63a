using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>The update replaces the current value.</summary>
internal sealed class LastValueChannel(PropertyInfo property) : Channel(property)
{
    public override ReducerKind Kind => ReducerKind.LastValue;

    public override object? Reduce(object? current, object? update)
    {
        if (update is not null && !ValueType.IsInstanceOfType(update))
        {
            throw WrongType(update);
        }

        return update;
    }

    public override bool IsUnset(object? value, object? defaultValue) => Equals(value, defaultValue);
}
