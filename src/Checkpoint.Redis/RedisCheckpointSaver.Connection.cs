using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>Logs the connection's failures and reconnects (only when <see cref="RedisCheckpointSaverOptions.LoggerFactory"/> is set).</summary>
public sealed partial class RedisCheckpointSaver
{
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        RedisLog.ConnectionFailed(_logger!, e.Exception, e.EndPoint?.ToString(), e.FailureType.ToString());

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        RedisLog.ConnectionRestored(_logger!, e.EndPoint?.ToString());
}
