using System.Linq.Expressions;

namespace Checkpoint;

/// <summary>
/// What a node returns: values for some channels (state properties). Each value goes through the
/// channel's reducer: last value wins by default, appended for <see cref="AppendAttribute"/> lists.
/// </summary>
/// <typeparam name="TState">The graph's state type.</typeparam>
public sealed class Update<TState>
{
    private readonly List<KeyValuePair<string, object?>> _writes = [];

    /// <summary>The channel writes in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Writes => _writes;

    /// <summary>Writes <paramref name="value"/> to the property <paramref name="channel"/> selects.</summary>
    public Update<TState> Set<TValue>(Expression<Func<TState, TValue>> channel, TValue value)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var member = channel.Body as MemberExpression
            ?? (channel.Body as UnaryExpression)?.Operand as MemberExpression
            ?? throw new ArgumentException($"'{channel}' does not select a state property.", nameof(channel));
        _writes.Add(new(member.Member.Name, value));
        return this;
    }

    /// <summary>Writes <paramref name="value"/> to the channel named <paramref name="channel"/>.</summary>
    public Update<TState> Set(string channel, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        _writes.Add(new(channel, value));
        return this;
    }
}
