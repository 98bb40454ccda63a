using Microsoft.Extensions.Logging;

namespace Checkpoint.DurableTask;

/// <summary>The orchestrator's log messages (written through a replay-safe logger).</summary>
internal static partial class OrchestrationLog
{
    [LoggerMessage(101, LogLevel.Debug, "Thread {ThreadId}: step {Step} committed, checkpoint {CheckpointId}")]
    public static partial void StepCommitted(ILogger logger, string threadId, int step, Guid checkpointId);

    [LoggerMessage(102, LogLevel.Information, "Thread {ThreadId}: waiting for a resume at checkpoint {CheckpointId} ({Count} interrupts)")]
    public static partial void WaitingForResume(ILogger logger, string threadId, Guid checkpointId, int count);

    [LoggerMessage(103, LogLevel.Debug, "Thread {ThreadId}: continuing as new at checkpoint {CheckpointId} after {Steps} steps")]
    public static partial void ContinuingAsNew(ILogger logger, string threadId, Guid checkpointId, int steps);

    [LoggerMessage(104, LogLevel.Information, "Thread {ThreadId}: run completed at step {Step}, checkpoint {CheckpointId}")]
    public static partial void Completed(ILogger logger, string threadId, int step, Guid checkpointId);
}
