using Microsoft.Extensions.Logging;

namespace Checkpoint.Redis;

/// <summary>The Redis connection's failures and recoveries, logged through <see cref="RedisCheckpointSaverOptions.LoggerFactory"/>.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(301, LogLevel.Warning, "Redis connection to {EndPoint} failed ({FailureType}); StackExchange.Redis reconnects in the background")]
    public static partial void ConnectionFailed(ILogger logger, Exception? exception, string? endPoint, string failureType);

    [LoggerMessage(302, LogLevel.Information, "Redis connection to {EndPoint} restored")]
    public static partial void ConnectionRestored(ILogger logger, string? endPoint);
}
