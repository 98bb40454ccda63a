namespace Checkpoint.Sqlite;

/// <summary>
/// The SQLite settings of a <see cref="SqliteMemoryStore"/> (what every store shares, such as the
/// embedding generator and the serializer, is in <see cref="Checkpoint.Memory.MemoryStoreOptions"/>).
/// </summary>
public sealed record SqliteMemoryStoreOptions
{
    /// <summary>How long a statement waits for another connection's lock before SQLite reports SQLITE_BUSY. Default 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a transaction is attempted while SQLite still reports the database busy or locked. Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// How long recorded accesses (<see cref="Checkpoint.Memory.MemoryStoreOptions.RecordAccess"/>) wait
    /// before the store writes them, together, in one transaction (also on dispose). Default 1 second:
    /// a search then costs no write transaction (about 0.45 ms on SQLite); this store's own reads include
    /// the waiting counts, other stores and processes see them after the flush, and a crash loses at
    /// most this interval's counts. <see cref="TimeSpan.Zero"/> writes them with each search.
    /// </summary>
    public TimeSpan AccessFlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Put before every table name (<c>checkpoint_memories</c>, ... by
    /// default), the same prefix as the checkpoint saver's so both can share one file. Empty, or a
    /// letter or underscore then letters, digits or underscores.
    /// </summary>
    public string TablePrefix { get; init; } = SqliteCheckpointSaverOptions.DefaultTablePrefix;

    /// <summary>
    /// Whether <see cref="Checkpoint.Memory.MemoryStore.EraseSubjectAsync"/> also removes the freed bytes from the
    /// file (<c>VACUUM</c>, then a truncating WAL checkpoint; a rewrite of the whole file, shared with the
    /// checkpoint saver when they use one file). Default true; set false to erase rows now and scrub later.
    /// </summary>
    public bool ScrubAfterErase { get; init; } = true;

    /// <summary>
    /// Whether WAL checkpoints run on a background connection every 128 write transactions instead of inside the write
    /// that takes the WAL past 1,000 frames (as <see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/>; keep
    /// both alike when the store and the saver share a file, else the store's writes checkpoint the saver's frames).
    /// Default true.
    /// </summary>
    public bool BackgroundWalCheckpoints { get; init; } = true;
}
