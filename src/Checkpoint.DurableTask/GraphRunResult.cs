namespace Checkpoint.DurableTask;

/// <summary>The output of a graph orchestration that reached the end of the graph.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="CheckpointId">The final checkpoint (read the state with <c>graph.GetState(id)</c>).</param>
/// <param name="Step">The final checkpoint's step number.</param>
public sealed record GraphRunResult(string ThreadId, Guid CheckpointId, int Step);
