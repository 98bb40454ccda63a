using Checkpoint.Serialization;

namespace Checkpoint.Storage;

/// <summary>Settings of an <see cref="InMemoryCheckpointSaver"/>.</summary>
public sealed record InMemoryCheckpointSaverOptions
{
    /// <summary>How every stored byte is made (compression, encryption). Null for <see cref="CheckpointSerializer.Default"/>.</summary>
    public CheckpointSerializer? Serializer { get; init; }

    /// <summary>
    /// How many bytes of read chunk content the saver keeps in memory for snapshot reads (see
    /// <see cref="CheckpointSaver.ChunkCacheBytes"/>); 0 disables the cache. Default <see cref="CheckpointSaver.DefaultChunkCacheBytes"/>.
    /// </summary>
    public long ChunkCacheBytes { get; init; } = CheckpointSaver.DefaultChunkCacheBytes;

    /// <summary>
    /// When set (positive), a thread expires this long after its last put (checkpoint or writes; a copy counts as a
    /// put to its target), measured with <see cref="TimeProvider"/>: it is invisible to every read at once, a put onto
    /// it starts a fresh thread, and <see cref="CheckpointSaver.PurgeExpiredThreadsAsync"/> frees it. Null (the
    /// default) keeps threads until deleted.
    /// </summary>
    public TimeSpan? ThreadTimeToLive { get; init; }

    /// <summary>The clock of <see cref="ThreadTimeToLive"/>, of the age rule of retention and of copied checkpoints' ids.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
