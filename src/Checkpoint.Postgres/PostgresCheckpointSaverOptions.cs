using Checkpoint.Serialization;

namespace Checkpoint.Postgres;

/// <summary>Settings of a <see cref="PostgresCheckpointSaver"/>.</summary>
public sealed record PostgresCheckpointSaverOptions
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "checkpoint";

    /// <summary>
    /// The schema holding the saver's tables (created when missing). A plain identifier: a letter or
    /// underscore, then letters, digits or underscores, at most 63 characters.
    /// </summary>
    public string Schema { get; init; } = DefaultSchema;

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

    /// <summary>Apply pending migrations on first use (default). When false, call <see cref="PostgresCheckpointSaver.MigrateAsync"/>.</summary>
    public bool AutoMigrate { get; init; } = true;

    /// <summary>
    /// How long opening a connection may take (TCP connect, TLS and the startup handshake) before the
    /// call fails with a <see cref="TimeoutException"/> naming the host and port; whole seconds,
    /// rounded up. Null keeps the connection string's <c>Timeout</c> (Npgsql's default: 15 seconds).
    /// Applies when the saver creates its data source from a connection string; for an
    /// <see cref="Npgsql.NpgsqlDataSource"/> you pass, set <c>Timeout</c> on its connection string.
    /// </summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// How long one command may run before the call fails with a <see cref="TimeoutException"/>
    /// naming the host and port; whole seconds, rounded up. Null keeps the connection string's
    /// <c>Command Timeout</c> (Npgsql's default: 30 seconds). Applies when the saver creates its data
    /// source from a connection string; for an <see cref="Npgsql.NpgsqlDataSource"/> you pass, set
    /// <c>Command Timeout</c> on its connection string.
    /// </summary>
    public TimeSpan? CommandTimeout { get; init; }

    /// <summary>
    /// Whether <see cref="Checkpoint.Storage.CheckpointSaver.EraseSubjectAsync"/> also runs <c>VACUUM FULL</c> on
    /// the checkpoint, chunk and write tables, so the erased threads' bytes leave the table files (a delete leaves
    /// dead tuples until their pages are reused). It rewrites the tables under an ACCESS EXCLUSIVE lock: every run
    /// on this schema waits meanwhile, for a time that grows with the tables. Default true; set false to delete
    /// now and vacuum in a maintenance window (the receipt then says the bytes were not scrubbed). <c>VACUUM FULL</c>
    /// keeps dead rows that a transaction still open elsewhere on the server may see, so the erasure first waits up to
    /// <see cref="ScrubWaitTimeout"/> for every older snapshot on the database to end. The WAL and backups keep their own copies.
    /// </summary>
    public bool ScrubAfterErase { get; init; } = true;

    /// <summary>
    /// How long an erasure waits for the transactions that started before it (in other sessions of the database, and
    /// prepared ones) to end before it scrubs: their snapshots may still see the erased rows, and <c>VACUUM FULL</c>
    /// would copy those rows into the new files. When one is still open after this time, the tables are not rewritten
    /// and the receipt says the bytes were not scrubbed (erase again later, or vacuum). Default 30 seconds.
    /// </summary>
    public TimeSpan ScrubWaitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When set (positive), a thread expires this long after its last put (checkpoint or writes; a copy counts as a
    /// put to its target), measured with <see cref="TimeProvider"/>: it is invisible to every read at once, a put onto
    /// it starts a fresh thread (the old rows are deleted in the same transaction), and
    /// <see cref="Checkpoint.Storage.CheckpointSaver.PurgeExpiredThreadsAsync"/> deletes its rows. Each put then also
    /// records the thread's put time in the <c>threads</c> table (one more statement in the put's round trip, and puts
    /// on one thread take turns). Savers sharing a schema should use the same setting: a put by a saver without a time
    /// to live does not record it. Null (the default) keeps threads until deleted.
    /// </summary>
    public TimeSpan? ThreadTimeToLive { get; init; }

    /// <summary>
    /// Whether the records of a namespace's older checkpoints (all but the newest 16) are stored together, 32 to a
    /// compressed row of <c>checkpoint_groups</c> instead of one <c>checkpoints</c> row each (W1 takes about half the
    /// space). Readers see the same checkpoints either way, and a saver reads both layouts. Default true; a saver whose
    /// <see cref="Serializer"/> encrypts never groups (encrypted bodies do not shrink).
    /// </summary>
    public bool GroupOlderRecords { get; init; } = true;

    /// <summary>The clock of <see cref="ThreadTimeToLive"/> and of the age rule of retention. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the saver logs what it recovers from on its own (busy retries, reconnects), through <see cref="Microsoft.Extensions.Logging.ILogger"/>;
    /// null logs nothing. <c>AddCheckpoint(...)</c> sets the container's logger factory when this is null.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}
