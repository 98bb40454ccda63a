namespace Checkpoint;

/// <summary>Thrown by <see cref="NodeContext.Interrupt{TResume}"/> to stop the node; caught by the run loop.</summary>
internal sealed class NodeInterruptSignal(int index, object? value) : Exception("The node raised an interrupt.")
{
    public int Index { get; } = index;

    public object? Value { get; } = value;

    /// <summary>The value's MessagePack bytes when it comes as bytes (a subgraph's interrupt), stored as they are.</summary>
    public byte[]? Payload { get; init; }

    /// <summary>Set when the node was resumed with a value it cannot read: the interrupt is raised again.</summary>
    public ResumeRejection? Rejected { get; init; }
}
