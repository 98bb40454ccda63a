namespace Checkpoint.DurableTask;

/// <summary>
/// The whole input of a graph orchestration: where the run stands, never the state itself (the
/// state is in the checkpoint saver), so ContinueAsNew carries a few bytes.
/// </summary>
/// <param name="ThreadId">The thread being run.</param>
/// <param name="GraphName">The graph's name in the <see cref="GraphRegistry"/>.</param>
/// <param name="CheckpointId">The checkpoint to continue from (null: the thread's latest).</param>
/// <param name="Resumed">True when the static interrupts of that checkpoint are already resumed.</param>
public sealed record GraphOrchestrationInput(string ThreadId, string GraphName, Guid? CheckpointId, bool Resumed = false);
