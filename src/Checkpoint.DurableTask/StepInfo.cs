namespace Checkpoint.DurableTask;

/// <summary>A <see cref="StepPlan"/> as an activity returns it to the orchestrator.</summary>
/// <param name="CheckpointId">The checkpoint.</param>
/// <param name="Step">Its step number.</param>
/// <param name="Next">The nodes of the next superstep (empty at the end).</param>
/// <param name="CompletedNodes">Next nodes whose writes are already saved.</param>
/// <param name="Interrupts">Interrupts waiting for a resume.</param>
public sealed record StepInfo(Guid CheckpointId, int Step, IReadOnlyList<string> Next, IReadOnlyList<string> CompletedNodes, IReadOnlyList<InterruptInfo> Interrupts)
{
    /// <summary>True when the run has reached the end.</summary>
    public bool IsDone => Next.Count == 0;

    /// <summary>The plan as data.</summary>
    public static StepInfo From(StepPlan plan, bool includeInterruptValues = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new StepInfo(plan.CheckpointId, plan.Step, plan.Next, plan.CompletedNodes, plan.Interrupts.Select(i => InterruptInfo.From(i, includeInterruptValues)).ToList());
    }
}
