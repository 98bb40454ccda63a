namespace Checkpoint;

/// <summary>One event of <c>StreamAsync</c>.</summary>
/// <typeparam name="TState">The graph's state type.</typeparam>
public abstract record GraphEvent<TState>(int Step);

/// <summary>A node finished and returned this update.</summary>
public sealed record NodeUpdated<TState>(int Step, string Node, Update<TState> Update) : GraphEvent<TState>(Step);

/// <summary>A superstep finished: the full state after it, and its checkpoint.</summary>
public sealed record StepCompleted<TState>(int Step, TState Values, Guid CheckpointId, IReadOnlyList<string> Next) : GraphEvent<TState>(Step)
{
    /// <inheritdoc />
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Step), Step).Field(nameof(CheckpointId), CheckpointId).Field(nameof(Next), Printing.List(Next)).Field(nameof(Values), Values);
        return true;
    }
}

/// <summary>The run stopped for outside input.</summary>
public sealed record RunInterrupted<TState>(int Step, IReadOnlyList<Interrupt> Interrupts) : GraphEvent<TState>(Step)
{
    /// <inheritdoc />
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Step), Step).Field(nameof(Interrupts), Printing.List(Interrupts, Printing.Interrupt));
        return true;
    }
}

/// <summary>
/// A custom event a node sent while it ran (<see cref="NodeContext.Emit"/>): progress of a long node, a model's token
/// chunk. Streamed as it happens, before the node's <see cref="NodeUpdated{TState}"/>; not saved.
/// </summary>
public sealed record NodeEmitted<TState>(int Step, string Node, string TaskId, object? Payload) : GraphEvent<TState>(Step)
{
    /// <inheritdoc />
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Step), Step).Field(nameof(Node), Node).Field(nameof(Payload), Payload);
        return true;
    }
}
