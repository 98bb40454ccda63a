using Microsoft.Extensions.Logging;

namespace Checkpoint.Runtime;

/// <summary>The run loop's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Thread {ThreadId}: step {Step} ran {Nodes}, checkpoint {CheckpointId}")]
    public static partial void StepCompleted(ILogger logger, string threadId, int step, string nodes, Guid checkpointId);

    [LoggerMessage(2, LogLevel.Warning, "Thread {ThreadId}: node {Node} failed in step {Step}")]
    public static partial void NodeFailed(ILogger logger, Exception exception, string threadId, string node, int step);

    [LoggerMessage(3, LogLevel.Information, "Thread {ThreadId}: run interrupted at step {Step} ({Count} interrupts)")]
    public static partial void Interrupted(ILogger logger, string threadId, int step, int count);

    [LoggerMessage(4, LogLevel.Debug, "Thread {ThreadId}: compacted {Channels} after step {Step}, checkpoint {CheckpointId}")]
    public static partial void Compacted(ILogger logger, string threadId, int step, string channels, Guid checkpointId);
}
