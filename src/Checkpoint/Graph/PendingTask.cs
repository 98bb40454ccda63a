namespace Checkpoint;

/// <summary>A task of the next superstep, as seen in a <see cref="StateSnapshot{TState}"/>.</summary>
/// <param name="Id">Deterministic task id.</param>
/// <param name="Node">The node it runs.</param>
/// <param name="Error">The error it failed with last time, if any.</param>
/// <param name="Interrupts">Interrupts it raised and that wait for a resume value.</param>
/// <param name="Completed">True when its writes are saved (it will not run again).</param>
public sealed record PendingTask(string Id, string Node, string? Error, IReadOnlyList<Interrupt> Interrupts, bool Completed)
{
    /// <summary>The index of the <see cref="Send"/> the task runs (its argument is that Send's); null for a next node's task.</summary>
    public int? SendIndex { get; init; }

    /// <summary>
    /// For a subgraph node's task read with <c>GetStateAsync(config, subgraphs: true)</c>: the latest snapshot of its subgraph
    /// run (a <c>StateSnapshot</c> of the subgraph's state type), or null when it has not started.
    /// </summary>
    public object? State { get; init; }
}
