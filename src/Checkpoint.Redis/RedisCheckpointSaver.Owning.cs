using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>A saver that owns its connection, for the DI registration.</summary>
public sealed partial class RedisCheckpointSaver
{
    /// <summary>A saver on <paramref name="connection"/> that closes it when disposed.</summary>
    internal static RedisCheckpointSaver Owning(ConnectionMultiplexer connection, RedisCheckpointSaverOptions options)
    {
        try
        {
            return new RedisCheckpointSaver(connection, options) { _ownsConnection = true };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
