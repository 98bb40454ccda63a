using Checkpoint.Serialization;

namespace Checkpoint.Redis;

/// <summary>Settings of a <see cref="RedisCheckpointSaver"/>.</summary>
public sealed record RedisCheckpointSaverOptions
{
    /// <summary>
    /// Prefix of every key the saver writes (<c>{prefix}:t:{thread}:...</c>, <c>{prefix}:ix</c>, ...);
    /// savers with different prefixes share nothing. Default <c>ckpt</c>.
    /// </summary>
    public string KeyPrefix { get; init; } = "ckpt";

    /// <summary>
    /// When set, every key of a thread expires this long after the thread's last put
    /// (checkpoint or writes): each put refreshes the expiry of all the thread's keys, a constant
    /// number of them (checkpoints and namespaces are fields, not keys), so the refresh costs the
    /// same on a long thread as on a short one. Null (the default) keeps threads until they are deleted.
    /// </summary>
    public TimeSpan? ThreadTimeToLive { get; init; }

    /// <summary>
    /// How every stored byte is made (compression, encryption): checkpoint records, chunks and
    /// pending writes. Graphs compiled on this saver use it too, so this is the one place to set
    /// <see cref="SerializerOptions.EncryptionKey"/>. Null for <see cref="CheckpointSerializer.Default"/>.
    /// </summary>
    public CheckpointSerializer? Serializer { get; init; }

    /// <summary>
    /// How many bytes of read chunk content the saver keeps in memory for snapshot reads (see
    /// <see cref="Checkpoint.Storage.CheckpointSaver.ChunkCacheBytes"/>); 0 disables the cache.
    /// Default <see cref="Checkpoint.Storage.CheckpointSaver.DefaultChunkCacheBytes"/> (32 MiB).
    /// </summary>
    public long ChunkCacheBytes { get; init; } = Checkpoint.Storage.CheckpointSaver.DefaultChunkCacheBytes;

    /// <summary>
    /// Whether the records of a namespace's older checkpoints (all but the newest 16) are stored together, 32 to a
    /// compressed group (one hash field and one sorted-set member instead of one each per checkpoint: W1 takes
    /// less than half the memory). Readers see the same checkpoints either way, and a saver reads both layouts.
    /// Default true; a saver whose <see cref="Serializer"/> encrypts never groups (encrypted bodies do not shrink).
    /// </summary>
    public bool GroupOlderRecords { get; init; } = true;

    /// <summary>
    /// Where the saver logs what it recovers from on its own (busy retries, reconnects), through <see cref="Microsoft.Extensions.Logging.ILogger"/>;
    /// null logs nothing. <c>AddCheckpoint(...)</c> sets the container's logger factory when this is null.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}
