using System.Reflection;

namespace Checkpoint.Channels;

/// <summary>A user function combines value and update.</summary>
internal sealed class CustomChannel(PropertyInfo property, Func<object?, object?, object?> reducer) : Channel(property)
{
    public override ReducerKind Kind => ReducerKind.Custom;

    public override object? Reduce(object? current, object? update)
    {
        if (update is not null && !ValueType.IsInstanceOfType(update))
        {
            throw WrongType(update);
        }

        return reducer(current, update);
    }

    public override bool IsUnset(object? value, object? defaultValue) => Equals(value, defaultValue);
}
