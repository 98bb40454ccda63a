namespace Checkpoint;

/// <summary>A checkpoint seen as the start of a superstep: what runs next, what is done, what waits.</summary>
/// <param name="Config">Points at the checkpoint.</param>
/// <param name="Step">The checkpoint's step number.</param>
/// <param name="Next">The node of every task of the next superstep: the next nodes, then one entry per Send (empty when the run has ended).</param>
/// <param name="CompletedNodes">The nodes of the tasks whose writes are already saved (they will not run again).</param>
/// <param name="Interrupts">Interrupts waiting for a resume (static ones, and open dynamic ones).</param>
public sealed record StepPlan(RunConfig Config, int Step, IReadOnlyList<string> Next, IReadOnlyList<string> CompletedNodes, IReadOnlyList<Interrupt> Interrupts)
{
    /// <summary>The checkpoint id.</summary>
    public Guid CheckpointId => Config.CheckpointId ?? Guid.Empty;

    /// <summary>The tasks of the next superstep, with their ids (a host runs each Send's task by its id).</summary>
    public IReadOnlyList<PendingTask> Tasks { get; init; } = [];

    /// <summary>True when the run has reached the end.</summary>
    public bool IsDone => Next.Count == 0;
}
