using Checkpoint.Serialization;

namespace Checkpoint.Sqlite;

/// <summary>Settings of a <see cref="SqliteCheckpointSaver"/>.</summary>
public sealed record SqliteCheckpointSaverOptions
{
    /// <summary>The default <see cref="TablePrefix"/>.</summary>
    public const string DefaultTablePrefix = "checkpoint_";

    /// <summary>
    /// How long a statement waits for another connection's lock before SQLite reports
    /// SQLITE_BUSY (the <c>busy_timeout</c> pragma and the command timeout). Default 30 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a transaction is attempted when SQLite still reports the database busy or
    /// locked after <see cref="BusyTimeout"/>. Default 5.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The clock used for retry back-off, for minting ids of copied checkpoints and for <see cref="ThreadTimeToLive"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set (positive), a thread expires this long after its last put (checkpoint or writes; a copy counts as a
    /// put to its target), measured with <see cref="TimeProvider"/>: it is invisible to every read at once, a put onto
    /// it starts a fresh thread (the old rows are deleted in the same transaction), and
    /// <see cref="Checkpoint.Storage.CheckpointSaver.PurgeExpiredThreadsAsync"/> deletes its rows. Each put then also
    /// reads and stamps the thread's row (two more statements). Savers sharing a file should use the same setting: a put
    /// by a saver without a time to live does not record it. Null (the default) keeps threads until deleted.
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
    /// Put before every table name (<c>checkpoint_checkpoints</c>, <c>checkpoint_writes</c>,
    /// <c>checkpoint_chunks</c>, <c>checkpoint_names</c>, <c>checkpoint_schema_version</c> by default), so
    /// the saver can share a file with an application's own tables. Empty, or a letter or underscore
    /// then letters, digits or underscores. A file written before the prefix existed (unprefixed tables)
    /// has its tables renamed to the prefixed names on first open, in one transaction; an empty prefix
    /// keeps the unprefixed names.
    /// </summary>
    public string TablePrefix { get; init; } = DefaultTablePrefix;

    /// <summary>
    /// Whether <see cref="Checkpoint.Storage.CheckpointSaver.EraseSubjectAsync"/> also removes the freed bytes
    /// from the file (<c>VACUUM</c>, then a truncating WAL checkpoint: a rewrite of the whole file). Default true;
    /// set false to delete the threads now and scrub later (the receipt then says the bytes were not scrubbed).
    /// </summary>
    public bool ScrubAfterErase { get; init; } = true;

    /// <summary>
    /// Whether WAL checkpoints (committed pages copied into the database file, the WAL synced) run on a background
    /// connection every 128 write transactions instead of inside the put that takes the WAL past 1,000 frames
    /// (SQLite's default, which made that put take milliseconds). Default true. A connection still checkpoints
    /// itself past 4,000 frames, when the background cannot keep up. Failures are logged (event 102) and retried
    /// with the next checkpoint; committed data never depends on them.
    /// </summary>
    public bool BackgroundWalCheckpoints { get; init; } = true;

    /// <summary>
    /// How many bytes of the database file each connection reads through memory-mapped I/O (SQLite's <c>mmap_size</c>);
    /// 0 (the default) reads with system calls. Mapped, the pages of large values (message blocks) are read without
    /// a <c>pread</c> each: a cold read of W1's 500 messages took 35 µs less (docs/storage.md). Off by default because
    /// an I/O error, or another process truncating the file under a live mapping (a <c>VACUUM</c>, such as the one after
    /// a subject erasure, shrinks it), ends the process with SIGBUS instead of raising an error: turn it on where one
    /// process owns the file.
    /// </summary>
    public long MemoryMapBytes { get; init; }

    /// <summary>
    /// Where the saver logs what it recovers from on its own (busy retries, reconnects), through <see cref="Microsoft.Extensions.Logging.ILogger"/>;
    /// null logs nothing. <c>AddCheckpoint(...)</c> sets the container's logger factory when this is null.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}
