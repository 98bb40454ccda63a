using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// The database layout and its forward migrations. Migration <c>i</c> (0-based) brings a database
/// from version <c>i</c> to <c>i + 1</c>; all pending ones run in one transaction on first use.
/// SQL texts name tables as <c>{name}</c> placeholders, which <see cref="SqliteTables"/> turns into
/// the prefixed names (<c>checkpoint_names</c>, ... by default).
/// </summary>
/// <remarks>
/// Layout (version 4), every key as small as SQLite allows:
/// <list type="bullet">
/// <item><c>names(id, owner, name, touched)</c>: interned keys, one small integer each: a thread (owner 0, name
/// the thread id, <c>touched</c> its last put when a thread time to live is on), a namespace of a thread (owner the thread's row; its id is the "scope" used in the
/// other tables) or a blob of a scope (owner the scope, name the 16-byte blob id).</item>
/// <item><c>checkpoints(scope, id, parent, body)</c> WITHOUT ROWID, key (scope, id); ids are 16-byte
/// big-endian blobs so key order is time order; <c>parent</c> is NULL when the parent is the previous
/// checkpoint of the scope (the usual case), an empty blob when there is none, else the parent id.
/// The body of an older checkpoint may be a short reference into a record group instead (version 4; see
/// <see cref="SqliteRecordGroups"/>).</item>
/// <item><c>id_prefixes(prefix, scope)</c> WITHOUT ROWID (version 5): the scopes holding a checkpoint whose id starts
/// with <c>prefix</c> (its first six bytes: a UUIDv7's millisecond), for lookups by id alone and the refusal of an id
/// another scope holds; kept exact by triggers on <c>checkpoints</c>. Versions 2-4 had a unique index on <c>id</c>
/// instead, one entry per checkpoint (54 KB of a 370 KB W1 file at N=2,000, against ~5 KB).</item>
/// <item><c>record_groups(grp, scope, first, last, data)</c>: the bodies of checkpoints <c>first..last</c>
/// of a scope that refer to the group, compressed together (<see cref="Serialization.RecordGroupCodec"/>).</item>
/// <item><c>chunks(chunk, data)</c>: a rowid table keyed by <c>blob row &lt;&lt; 32 | sequence</c>, so a
/// run is one key range and rows up to ~4 KB stay on their page.</item>
/// <item><c>writes(scope, checkpoint, task, idx, node, channel, value)</c> WITHOUT ROWID.</item>
/// </list>
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The forward migrations, in order.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: the tables.
        """
        CREATE TABLE {names} (
            id INTEGER PRIMARY KEY,
            owner INTEGER NOT NULL,
            name NOT NULL,
            UNIQUE (owner, name));
        CREATE TABLE {checkpoints} (
            scope INTEGER NOT NULL,
            id BLOB NOT NULL,
            parent BLOB,
            body BLOB NOT NULL,
            PRIMARY KEY (scope, id)) WITHOUT ROWID;
        CREATE TABLE {chunks} (
            chunk INTEGER PRIMARY KEY,
            data BLOB NOT NULL);
        CREATE TABLE {writes} (
            scope INTEGER NOT NULL,
            checkpoint BLOB NOT NULL,
            task TEXT NOT NULL,
            idx INTEGER NOT NULL,
            node TEXT NOT NULL,
            channel TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (scope, checkpoint, task, idx)) WITHOUT ROWID;
        """,

        // 2: checkpoint ids are global: find them without the thread, and refuse duplicates.
        "CREATE UNIQUE INDEX {checkpoints_by_id} ON {checkpoints} (id);",

        // 3: a thread row's last put (Unix milliseconds), recorded by savers with a thread time to live; NULL for
        // threads written without one (the purge stamps them from their newest checkpoint).
        "ALTER TABLE {names} ADD COLUMN touched INTEGER;",

        // 4: record groups, the bodies of older checkpoints compressed together, each checkpoint row holding a
        // reference (see SqliteRecordGroups).
        // AUTOINCREMENT: a group id is never reused, so decoded groups can be cached by id.
        """
        CREATE TABLE {record_groups} (
            grp INTEGER PRIMARY KEY AUTOINCREMENT,
            scope INTEGER NOT NULL,
            first BLOB NOT NULL,
            last BLOB NOT NULL,
            data BLOB NOT NULL);
        CREATE INDEX {record_groups_by_scope} ON {record_groups} (scope);
        """,

        // 5: lookups by id alone go through the id's first six bytes (a UUIDv7's millisecond) instead of an index
        // entry per checkpoint: 40% of W1's per-checkpoint bytes at N=2,000. Triggers keep the table exact on every
        // path that inserts or deletes checkpoint rows, and refuse an id that another scope already holds.
        // The index goes first, so the table reuses its pages instead of growing the file.
        """
        DROP INDEX {checkpoints_by_id};
        CREATE TABLE {id_prefixes} (
            prefix BLOB NOT NULL,
            scope INTEGER NOT NULL,
            PRIMARY KEY (prefix, scope)) WITHOUT ROWID;
        INSERT OR IGNORE INTO {id_prefixes} (prefix, scope) SELECT substr(id, 1, 6), scope FROM {checkpoints};
        """ + IdPrefixTriggers,
    ];

    /// <summary>
    /// The triggers that keep <c>{id_prefixes}</c> exact (version 5): an inserted checkpoint adds its pair, the last
    /// checkpoint of a scope with a prefix removes it, and an id another scope holds is refused (SQLITE_CONSTRAINT).
    /// </summary>
    internal const string IdPrefixTriggers = """
        CREATE TRIGGER {checkpoints_id_unique} BEFORE INSERT ON {checkpoints}
        WHEN EXISTS (SELECT 1 FROM {id_prefixes} p CROSS JOIN {checkpoints} c ON c.scope = p.scope AND c.id = NEW.id
                     WHERE p.prefix = substr(NEW.id, 1, 6) AND p.scope <> NEW.scope)
        BEGIN
            SELECT RAISE(ABORT, 'checkpoint id exists in another thread or namespace');
        END;
        CREATE TRIGGER {checkpoints_id_added} AFTER INSERT ON {checkpoints}
        BEGIN
            INSERT OR IGNORE INTO {id_prefixes} (prefix, scope) VALUES (substr(NEW.id, 1, 6), NEW.scope);
        END;
        CREATE TRIGGER {checkpoints_id_removed} AFTER DELETE ON {checkpoints}
        WHEN (SELECT substr(id, 1, 6) FROM {checkpoints} WHERE scope = OLD.scope AND id > substr(OLD.id, 1, 6) ORDER BY id LIMIT 1)
             IS NOT substr(OLD.id, 1, 6)
        BEGIN
            DELETE FROM {id_prefixes} WHERE prefix = substr(OLD.id, 1, 6) AND scope = OLD.scope;
        END;
        """;

    /// <summary>
    /// The page size of a file this saver creates; an existing file keeps its own. Measured on W1 (record
    /// groups, Deflate blocks): 1 KiB pages store N=500 in 94 KB against 143 KB with SQLite's default 4 KiB
    /// (the empty layout alone is 12 KB against 41 KB, and small rows share pages less sparsely).
    /// </summary>
    public const int NewFilePageSize = 1024;

    /// <summary>The version this build writes.</summary>
    public static int LatestVersion => Migrations.Count;

    /// <summary>
    /// Puts the database in WAL mode and migrates it to <paramref name="targetVersion"/>, first
    /// renaming the unprefixed tables of an earlier build (see <see cref="SqliteLegacyTables"/>).
    /// Throws <see cref="InvalidOperationException"/> when the database is newer than this build.
    /// </summary>
    public static async Task MigrateAsync(
        SqliteConnection connection, SqliteTables tables, int targetVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        // A new file gets small pages (before WAL mode fixes the size): every table and index of the
        // layout costs at least one page, and a W1 step rewrites a few leaf pages into the WAL.
        if (await ScalarAsync(connection, null, "PRAGMA page_count;", cancellationToken).ConfigureAwait(false) is 0L)
        {
            _ = await ScalarAsync(connection, null, $"PRAGMA page_size = {NewFilePageSize};", cancellationToken).ConfigureAwait(false);
        }

        var mode = await ScalarAsync(connection, null, "PRAGMA journal_mode;", cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            _ = await ScalarAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        if (await ReadVersionAsync(connection, tables, null, cancellationToken).ConfigureAwait(false) == targetVersion)
        {
            return;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        var version = await ReadVersionAsync(connection, tables, transaction, cancellationToken).ConfigureAwait(false);
        var renamed = false;
        if (version == 0 && tables.Prefix.Length > 0 &&
            await SqliteLegacyTables.FindAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is > 0 and var legacy)
        {
            await SqliteLegacyTables.RenameAsync(connection, transaction, tables, legacy, cancellationToken).ConfigureAwait(false);
            (version, renamed) = (legacy, true);
        }

        if (version > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The checkpoint database '{connection.DataSource}' has schema version {version}, newer than version " +
                $"{LatestVersion} that this build of Checkpoint.Sqlite understands. It was written by a newer " +
                "Checkpoint.Sqlite; upgrade the package to open it (it is left untouched).");
        }

        if (version >= targetVersion)
        {
            if (renamed)
            {
                transaction.Commit();
            }

            return;
        }

        await ExecuteAsync(connection, transaction, tables.Sql("CREATE TABLE IF NOT EXISTS {schema_version} (version INTEGER NOT NULL);"), cancellationToken).ConfigureAwait(false);
        for (var step = version; step < targetVersion; step++)
        {
            await ExecuteAsync(connection, transaction, tables.Sql(Migrations[step]), cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, tables.Sql("DELETE FROM {schema_version};"), cancellationToken).ConfigureAwait(false);
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = tables.Sql("INSERT INTO {schema_version} (version) VALUES ($version);");
            insert.Parameters.AddWithValue("$version", targetVersion);
            _ = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        transaction.Commit();
    }

    /// <summary>The schema version of the database (of the tables named by <paramref name="tables"/>): 0 when it has no schema yet.</summary>
    public static async Task<int> ReadVersionAsync(
        SqliteConnection connection, SqliteTables tables, SqliteTransaction? transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tables);
        using (var exists = connection.CreateCommand())
        {
            exists.Transaction = transaction;
            exists.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name;";
            exists.Parameters.AddWithValue("$name", tables["schema_version"]);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return 0;
            }
        }

        var version = await ScalarAsync(connection, transaction, tables.Sql("SELECT max(version) FROM {schema_version};"), cancellationToken).ConfigureAwait(false);
        return version is null or DBNull ? 0 : Convert.ToInt32(version, CultureInfo.InvariantCulture);
    }

    private static async Task<object?> ScalarAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
