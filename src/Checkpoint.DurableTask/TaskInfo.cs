namespace Checkpoint.DurableTask;

/// <summary>A <see cref="TaskRunResult"/> as the run-task activity returns it to the orchestrator.</summary>
/// <param name="Node">The node.</param>
/// <param name="Status">Whether it ran, had already run, or interrupted.</param>
/// <param name="Interrupts">The interrupts it raised.</param>
public sealed record TaskInfo(string Node, TaskRunStatus Status, IReadOnlyList<InterruptInfo> Interrupts)
{
    /// <summary>The task's id.</summary>
    public string TaskId { get; init; } = "";

    /// <summary>The result as data.</summary>
    public static TaskInfo From(TaskRunResult result, bool includeInterruptValues = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new TaskInfo(result.Node, result.Status, result.Interrupts.Select(i => InterruptInfo.From(i, includeInterruptValues)).ToList()) { TaskId = result.TaskId };
    }
}
