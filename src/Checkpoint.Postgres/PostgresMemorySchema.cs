using System.Globalization;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The memory tables and their forward migrations, versioned in their own table
/// (<c>memory_schema_version</c>) apart from the saver's <c>schema_migrations</c>: a schema may hold
/// checkpoints, memories or both, and either can move on without the other's code knowing it.
/// Concurrent migrators serialize on a transaction-scoped advisory lock.
/// </summary>
/// <remarks>
/// Layout (version 1):
/// <list type="bullet">
/// <item><c>memories</c>: one row per item, unique (ns, key); <c>ns</c> is the namespace's
/// <c>StorageKey</c> in <c>COLLATE "C"</c>, so a prefix search is the range
/// <c>ns &gt;= StorageKey AND ns &lt; StorageKeyUpperBound</c>; times are UTC ticks; <c>body</c> is the
/// <c>MemoryItemCodec</c> envelope; <c>tsv</c> the keyword words (GIN) and <c>words</c> their count;
/// <c>embedding</c> is <c>vector</c> (pgvector, typed <c>vector(n)</c> by the first vector) or <c>real[]</c>;
/// with an encryption key it stays NULL and <c>sealed_embedding</c> holds the vector enveloped and
/// encrypted (<c>MemoryItemCodec.EncodeVector</c>), so embeddings, which can leak meaning, are not readable.</item>
/// <item><c>memory_state</c>: one row: the vector size once known, and which vector column the table has.</item>
/// </list>
/// Version 2 adds <c>memory_history</c> (one row per change of an item, texts in an enveloped body) and lifecycle indexes.
/// Version 3 makes the history the change feed: <c>memory_history.seq</c> is the change id, taken from the counter
/// <c>memory_state.change_id</c> rather than an identity. An identity (a sequence) is not commit-ordered: a transaction
/// holding id 10 may commit after one holding 11, and a watcher that had read past 11 would never see 10. So every
/// write transaction, as its last statement before commit, bumps the counter by the number of history rows it adds
/// (<c>UPDATE memory_state SET change_id = change_id + n RETURNING change_id</c>) and numbers its rows up to the new
/// value. The row lock it holds to commit orders the writers: the next one gets the counter only after this one's
/// commit is visible, so a snapshot that sees counter value c sees every row numbered c or less, and ids are never
/// reused (erasure deletes rows but never lowers the counter). The price: write transactions that change items
/// serialize on that row from their history insert to their commit (one round trip). An erasure that removed
/// anything appends one marker row (<c>ns</c>, <c>key</c>, <c>subject</c> and <c>body</c> NULL, kind
/// <see cref="ErasedKind"/>), which no item's history contains. Each such transaction also sends
/// <c>pg_notify(channel, latest id)</c>, delivered at commit, to wake watchers in other processes. The migration
/// sets the counter to the largest existing <c>seq</c>, so ids go on above the kept ones.
/// </remarks>
internal static class PostgresMemorySchema
{
    /// <summary>Advisory lock class id of the memory migration lock ("CHKN"; the saver's is "CHKM").</summary>
    private const int LockClass = 0x43484B4E;

    /// <summary>The newest schema version.</summary>
    public const int LatestVersion = 3;

    /// <summary>The <c>kind</c> of a history row that marks an erasure (item change kinds are 0 and up).</summary>
    public const int ErasedKind = -1;

    /// <summary>The <c>vector_type</c> recorded when the table uses pgvector.</summary>
    public const string PgVector = "vector";

    /// <summary>The <c>vector_type</c> recorded for the <c>real[]</c> fallback.</summary>
    public const string RealArray = "real[]";

    private static string Version1(PostgresMemorySql sql, string vectorType) => $"""
        CREATE TABLE {sql.Items} (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ns text COLLATE "C" NOT NULL,
            key text COLLATE "C" NOT NULL,
            kind integer NOT NULL,
            subject text COLLATE "C",
            created bigint NOT NULL,
            updated bigint NOT NULL,
            accessed bigint NOT NULL,
            expires bigint,
            importance double precision NOT NULL,
            access_count bigint NOT NULL,
            version bigint NOT NULL,
            words integer NOT NULL,
            tsv tsvector NOT NULL,
            body bytea NOT NULL,
            embedding {vectorType},
            sealed_embedding bytea,
            UNIQUE (ns, key)
        );
        ALTER TABLE {sql.Items} ALTER COLUMN body SET STORAGE EXTERNAL;
        CREATE INDEX "{sql.Prefix}memories_tsv_idx" ON {sql.Items} USING gin (tsv);
        CREATE INDEX "{sql.Prefix}memories_updated_idx" ON {sql.Items} (updated);
        CREATE TABLE {sql.State} (
            id integer PRIMARY KEY CHECK (id = 0),
            dimensions integer,
            vector_type text NOT NULL
        );
        INSERT INTO {sql.State} (id, dimensions, vector_type) VALUES (0, NULL, '{vectorType}');
        """;

    /// <summary>
    /// Creates the schema and tables, or migrates them forward, in one transaction. Throws when the
    /// tables are newer than this build. <paramref name="usePgVector"/> picks the vector column when
    /// the tables are created: pgvector when the database has it (or can create it), else <c>real[]</c>.
    /// <paramref name="target"/> stops at an older version (tests build the tables an older release left).
    /// </summary>
    public static async Task MigrateAsync(
        NpgsqlConnection connection, PostgresMemorySql sql, bool usePgVector, CancellationToken cancellationToken, int target = LatestVersion)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@class, hashtext(@name))", cancellationToken,
            new NpgsqlParameter<int>("class", LockClass), new NpgsqlParameter<string>("name", sql.VersionTable)).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {sql.QuotedSchema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {sql.VersionTable} (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
        await using (var read = new NpgsqlCommand($"SELECT max(version) FROM {sql.VersionTable}", connection))
        {
            var version = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int known ? known : 0;
            if (version > LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The memory tables {sql.Items} have schema version {version}, newer than version {LatestVersion} that this build of " +
                    "Checkpoint.Postgres understands. Upgrade the package to use them (they are left untouched).");
            }

            if (version >= target)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (version == 0)
            {
                var vectorType = usePgVector && await TryPgVectorAsync(connection, cancellationToken).ConfigureAwait(false) ? PgVector : RealArray;
                await ExecuteAsync(connection, Version1(sql, vectorType), cancellationToken).ConfigureAwait(false);
            }

            if (version < 2 && target >= 2)
            {
                await ExecuteAsync(connection, Version2(sql), cancellationToken).ConfigureAwait(false);
            }
        }

        if (target >= 3)
        {
            await ExecuteAsync(connection, Version3(sql), cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture,
            $"DELETE FROM {sql.VersionTable}; INSERT INTO {sql.VersionTable} (version) VALUES ({target})"), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Version 2: the history of every item (its changes, texts enveloped), and indexes for lifecycle scans.
    private static string Version2(PostgresMemorySql sql) => $"""
        CREATE TABLE {sql.History} (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ns text COLLATE "C" NOT NULL,
            key text COLLATE "C" NOT NULL,
            version bigint NOT NULL,
            kind integer NOT NULL,
            at bigint NOT NULL,
            subject text COLLATE "C",
            body bytea NOT NULL
        );
        CREATE INDEX "{sql.Prefix}memory_history_key_idx" ON {sql.History} (ns, key, seq);
        CREATE INDEX "{sql.Prefix}memory_history_subject_idx" ON {sql.History} (subject) WHERE subject IS NOT NULL;
        CREATE INDEX "{sql.Prefix}memories_expires_idx" ON {sql.Items} (expires) WHERE expires IS NOT NULL;
        CREATE INDEX "{sql.Prefix}memories_subject_idx" ON {sql.Items} (subject) WHERE subject IS NOT NULL;
        """;

    // Version 3: change ids from the commit-ordered counter (see the remarks). The lock keeps writers of an older build
    // from adding a row between the read of the largest id and the switch. The counter starts above both the largest
    // kept id and the identity's last value, so an id an erasure freed at the top is not handed out again.
    private static string Version3(PostgresMemorySql sql) => $"""
        LOCK TABLE {sql.History}, {sql.State} IN SHARE ROW EXCLUSIVE MODE;
        ALTER TABLE {sql.State} ADD COLUMN change_id bigint NOT NULL DEFAULT 0;
        UPDATE {sql.State} SET change_id = greatest(
            (SELECT coalesce(max(seq), 0) FROM {sql.History}),
            coalesce(pg_sequence_last_value(pg_get_serial_sequence('{sql.History}', 'seq')::regclass), 0)) WHERE id = 0;
        ALTER TABLE {sql.History} ALTER COLUMN seq DROP IDENTITY, ALTER COLUMN ns DROP NOT NULL, ALTER COLUMN key DROP NOT NULL,
            ALTER COLUMN body DROP NOT NULL;
        """;

    /// <summary>
    /// True when the <c>vector</c> extension is installed in the database, or is available and this user
    /// may create it (tried under a savepoint, so a refusal leaves the migration going).
    /// Not exercised by this repository's tests: the test server has no pgvector.
    /// </summary>
    private static async Task<bool> TryPgVectorAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var installed = new NpgsqlCommand("SELECT 1 FROM pg_extension WHERE extname = 'vector'", connection))
        {
            if (await installed.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        await using (var available = new NpgsqlCommand("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'", connection))
        {
            if (await available.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        await ExecuteAsync(connection, "SAVEPOINT checkpoint_pgvector", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "RELEASE SAVEPOINT checkpoint_pgvector", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException)
        {
            // No privilege to create it: fall back to real[] rather than fail.
            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT checkpoint_pgvector", cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
