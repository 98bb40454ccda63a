namespace Checkpoint.Postgres;

/// <summary>
/// The PostgreSQL settings of a <see cref="PostgresMemoryStore"/> (what every store shares, such as the
/// embedding generator and the serializer, is in <see cref="Checkpoint.Memory.MemoryStoreOptions"/>).
/// </summary>
public sealed record PostgresMemoryStoreOptions
{
    /// <summary>
    /// The schema holding the memory tables (created when missing); by default the checkpoint saver's
    /// (<see cref="PostgresCheckpointSaverOptions.DefaultSchema"/>), so both sit side by side. A plain identifier.
    /// </summary>
    public string Schema { get; init; } = PostgresCheckpointSaverOptions.DefaultSchema;

    /// <summary>
    /// Put before every table name (<c>memories</c>, <c>memory_state</c>, <c>memory_schema_version</c>);
    /// empty by default (the schema already separates them). Empty, or a letter or underscore then
    /// letters, digits or underscores.
    /// </summary>
    public string TablePrefix { get; init; } = "";

    /// <summary>
    /// Use the pgvector extension when the database has it (installed, or available and creatable by
    /// this user) when the tables are created: a <c>vector(n)</c> column ordered with <c>&lt;=&gt;</c>.
    /// False, or without pgvector: a <c>real[]</c> column and cosine computed in the client. Decided
    /// once, when the tables are created (recorded in <c>memory_state</c>). Default true.
    /// </summary>
    public bool UsePgVector { get; init; } = true;

    /// <summary>How many times a put is attempted when a concurrent insert of the same key wins the race (it then sees that item). Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// Whether <see cref="Checkpoint.Memory.MemoryStore.EraseSubjectAsync"/> also runs <c>VACUUM FULL</c> on the
    /// memory and history tables, so the erased rows' bytes leave the table files (a plain delete leaves dead
    /// tuples in the pages until they are reused). It rewrites both tables and their indexes under an
    /// ACCESS EXCLUSIVE lock (reads and writes of the memory tables wait meanwhile; the time grows with the
    /// tables' size). Default true; set false to delete now and run <c>VACUUM FULL</c> in a maintenance window
    /// (the receipt then says the bytes were not scrubbed). <c>VACUUM FULL</c> keeps dead rows that a transaction
    /// still open elsewhere on the server may see, so the erasure first waits up to
    /// <see cref="ScrubWaitTimeout"/> for every older snapshot on the database to end. The WAL and backups keep
    /// their own copies.
    /// </summary>
    public bool ScrubAfterErase { get; init; } = true;

    /// <summary>
    /// How long an erasure waits for the transactions that started before it (in other sessions of the database, and
    /// prepared ones) to end before it scrubs: their snapshots may still see the erased rows, and <c>VACUUM FULL</c>
    /// would copy those rows into the new files. When one is still open after this time, the tables are not rewritten
    /// and the receipt says the bytes were not scrubbed (erase again later, or vacuum). Default 30 seconds.
    /// </summary>
    public TimeSpan ScrubWaitTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
