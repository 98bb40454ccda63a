namespace Checkpoint;

/// <summary>A checkpoint seen as the start of a superstep: what runs next, what is done, what waits.</summary>
/// <param name="Config">Points at the checkpoint.</param>
/// <param name="Step">The checkpoint's step number.</param>
/// <param name="Next">The nodes of the next superstep (empty when the run has ended).</param>
/// <param name="CompletedNodes">Next nodes whose writes are already saved (they will not run again).</param>
/// <param name="Interrupts">Interrupts waiting for a resume (static ones, and open dynamic ones).</param>
public sealed record StepPlan(RunConfig Config, int Step, IReadOnlyList<string> Next, IReadOnlyList<string> CompletedNodes, IReadOnlyList<Interrupt> Interrupts)
{
    /// <summary>The checkpoint id.</summary>
    public Guid CheckpointId => Config.CheckpointId ?? Guid.Empty;

    /// <summary>True when the run has reached the end.</summary>
    public bool IsDone => Next.Count == 0;
}
