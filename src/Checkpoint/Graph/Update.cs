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
    private readonly List<string> _targets = [];

    /// <summary>The channel writes in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Writes => _writes;

    /// <summary>The nodes <see cref="Goto"/> sends the run to, in order.</summary>
    public IReadOnlyList<string> Targets => _targets;

    /// <summary>
    /// Also runs <paramref name="nodes"/> in the next superstep (or ends the run there with <see cref="Graph.End"/>), on
    /// top of the node's edges: routing and update in one return, like LangGraph's <c>Command(goto=…, update=…)</c>.
    /// The node must declare them in <see cref="NodeOptions.Destinations"/>.
    /// </summary>
    public Update<TState> Goto(params string[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(node, nameof(nodes));
            if (!_targets.Contains(node))
            {
                _targets.Add(node);
            }
        }

        return this;
    }

    /// <summary>Writes <paramref name="value"/> to the property <paramref name="channel"/> selects.</summary>
    public Update<TState> Set<TValue>(Expression<Func<TState, TValue>> channel, TValue value)
    {
        _writes.Add(new(ChannelName(channel), value));
        return this;
    }

    /// <summary>
    /// Appends <paramref name="items"/> to the <see cref="AppendAttribute"/> list <paramref name="channel"/> selects:
    /// <c>Append(s =&gt; s.Log, "done")</c> for <c>Set(s =&gt; s.Log, ["done"])</c>.
    /// </summary>
    public Update<TState> Append<TItem>(Expression<Func<TState, IEnumerable<TItem>>> channel, params TItem[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _writes.Add(new(ChannelName(channel), items));
        return this;
    }

    /// <summary>Writes <paramref name="value"/> to the channel named <paramref name="channel"/>.</summary>
    public Update<TState> Set(string channel, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        _writes.Add(new(channel, value));
        return this;
    }

    /// <summary>The writes, readably: <c>Update { Messages = [2 items], Step = 3 }</c>.</summary>
    public override string ToString()
    {
        var parts = _writes.Select(w => $"{w.Key} = {Describe(w.Value)}").ToList();
        if (_targets.Count > 0)
        {
            parts.Add($"Goto = [{string.Join(", ", _targets)}]");
        }

        return parts.Count == 0 ? "Update { }" : $"Update {{ {string.Join(", ", parts)} }}";
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        System.Collections.ICollection collection => $"[{collection.Count} item{(collection.Count == 1 ? "" : "s")}]",
        _ => value.ToString() ?? "",
    };

    private static string ChannelName(LambdaExpression channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var member = channel.Body as MemberExpression
            ?? (channel.Body as UnaryExpression)?.Operand as MemberExpression
            ?? throw new ArgumentException($"'{channel}' does not select a state property.", nameof(channel));
        return member.Member.Name;
    }
}
