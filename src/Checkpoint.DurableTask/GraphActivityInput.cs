namespace Checkpoint.DurableTask;

/// <summary>The input of every graph activity: which graph, thread and checkpoint it works on.</summary>
/// <param name="GraphName">The graph's name in the <see cref="GraphRegistry"/>.</param>
/// <param name="ThreadId">The thread.</param>
/// <param name="CheckpointId">The checkpoint (null: the thread's latest; plan only).</param>
/// <param name="Node">The node to run (run-task only).</param>
/// <param name="ResumeValueJson">The resume value as JSON (resume only).</param>
/// <param name="TaskId">The task to run (run-task only; when set, it rather than <paramref name="Node"/> names the task: a node's Sends share the node).</param>
public sealed record GraphActivityInput(string GraphName, string ThreadId, Guid? CheckpointId, string? Node = null, string? ResumeValueJson = null, string? TaskId = null)
{
    /// <summary>The run config the activity passes to the <see cref="StepRunner{TState}"/>.</summary>
    public RunConfig Config => RunConfig.ForThread(ThreadId) with { CheckpointId = CheckpointId };
}
