using Checkpoint.Serialization;

namespace Checkpoint.Redis;

/// <summary>Settings of a <see cref="RedisCheckpointSaver"/>.</summary>
public sealed record RedisCheckpointSaverOptions
{
    /// <summary>
    /// Prefix of every key the saver writes (<c>{prefix}:cp:{id}</c>, <c>{prefix}:t:{thread}:...</c>);
    /// savers with different prefixes share nothing. Default <c>ckpt</c>.
    /// </summary>
    public string KeyPrefix { get; init; } = "ckpt";

    /// <summary>
    /// When set, every key of a thread expires this long after the thread's last put
    /// (checkpoint or writes): each put refreshes the expiry of all the thread's keys.
    /// Null (the default) keeps threads until they are deleted.
    /// </summary>
    public TimeSpan? ThreadTimeToLive { get; init; }

    /// <summary>
    /// Serializer used for checkpoint record bodies (it must match the engine's, e.g. for
    /// encryption); null uses <see cref="CheckpointSerializer.Default"/>.
    /// </summary>
    public CheckpointSerializer? Serializer { get; init; }
}
