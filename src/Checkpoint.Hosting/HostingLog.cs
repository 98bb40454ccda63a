using Microsoft.Extensions.Logging;

namespace Checkpoint.Hosting;

/// <summary>The sweep service's log messages.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Information, "Retention sweep: {Threads} threads, {Pruned} pruned, {Deleted} checkpoints deleted, {Failed} failed in {ElapsedMs} ms")]
    public static partial void SweepCompleted(ILogger logger, int threads, int pruned, long deleted, int failed, long elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Retention sweep: thread {ThreadId} could not be pruned")]
    public static partial void ThreadFailed(ILogger logger, Exception exception, string threadId);

    [LoggerMessage(3, LogLevel.Error, "Retention sweep failed; the next one runs at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Retention sweep: the OnSweepCompleted callback failed")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Memory sweep: {Expired} expired and {Evicted} evicted items removed in {ElapsedMs} ms")]
    public static partial void MemorySweepCompleted(ILogger logger, int expired, int evicted, long elapsedMs);

    [LoggerMessage(6, LogLevel.Error, "Memory sweep failed; the next one runs at the next interval")]
    public static partial void MemorySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Thread expiry sweep: {Purged} expired threads deleted in {ElapsedMs} ms")]
    public static partial void ThreadExpirySweepCompleted(ILogger logger, int purged, long elapsedMs);

    [LoggerMessage(8, LogLevel.Error, "Thread expiry sweep failed; the next one runs at the next interval")]
    public static partial void ThreadExpirySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Thread expiry sweep: the {Saver} has no ThreadTimeToLive, so no thread ever expires")]
    public static partial void NoThreadTimeToLive(ILogger logger, string saver);
}
