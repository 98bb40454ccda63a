namespace Checkpoint.DurableTask;

/// <summary>A <see cref="StepPlan"/> as an activity returns it to the orchestrator.</summary>
/// <param name="CheckpointId">The checkpoint.</param>
/// <param name="Step">Its step number.</param>
/// <param name="Next">The node of every task of the next superstep, one entry per Send (empty at the end).</param>
/// <param name="CompletedNodes">The nodes of the tasks whose writes are already saved.</param>
/// <param name="Interrupts">Interrupts waiting for a resume.</param>
public sealed record StepInfo(Guid CheckpointId, int Step, IReadOnlyList<string> Next, IReadOnlyList<string> CompletedNodes, IReadOnlyList<InterruptInfo> Interrupts)
{
    /// <summary>The tasks of the next superstep (each run by its id: a node's Sends share the node).</summary>
    public IReadOnlyList<StepTaskInfo> Tasks { get; init; } = [];

    /// <summary>True when the run has reached the end.</summary>
    public bool IsDone => Next.Count == 0;

    /// <summary>The plan as data.</summary>
    public static StepInfo From(StepPlan plan, bool includeInterruptValues = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new StepInfo(plan.CheckpointId, plan.Step, plan.Next, plan.CompletedNodes, plan.Interrupts.Select(i => InterruptInfo.From(i, includeInterruptValues)).ToList())
        {
            Tasks = plan.Tasks.Select(task => new StepTaskInfo(task.Id, task.Node, task.Completed)).ToList(),
        };
    }
}
