namespace Checkpoint;

/// <summary>What <see cref="StepRunner{TState}.RunTaskAsync"/> did.</summary>
/// <param name="Node">The node.</param>
/// <param name="TaskId">The deterministic task id.</param>
/// <param name="Status">Whether it ran, had already run, or interrupted.</param>
/// <param name="Interrupts">The interrupts it raised.</param>
public sealed record TaskRunResult(string Node, string TaskId, TaskRunStatus Status, IReadOnlyList<Interrupt> Interrupts);
