namespace Checkpoint.DurableTask;

/// <summary>A task of a step, as the orchestrator schedules it.</summary>
/// <param name="Id">Its deterministic id (what the run-task activity is given).</param>
/// <param name="Node">The node it runs.</param>
/// <param name="Completed">True when its writes are saved (it will not run again).</param>
public sealed record StepTaskInfo(string Id, string Node, bool Completed);
