using Microsoft.Extensions.Logging;

namespace Checkpoint.Postgres;

/// <summary>What the PostgreSQL saver recovers from on its own, logged through <see cref="PostgresCheckpointSaverOptions.LoggerFactory"/>.</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(201, LogLevel.Warning, "PostgreSQL at {Server}: a pooled connection was broken (server restart?); the pool is cleared and the call retried on a new connection")]
    public static partial void Reconnecting(ILogger logger, Exception exception, string server);

    [LoggerMessage(202, LogLevel.Warning, "PostgreSQL at {Server}: grouping the older checkpoints of thread '{ThreadId}' failed; the checkpoint just put is stored, and a later put groups them")]
    public static partial void GroupingFailed(ILogger logger, Exception exception, string server, string threadId);
}
