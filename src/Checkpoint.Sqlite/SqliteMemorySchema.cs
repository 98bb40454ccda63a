using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// The memory tables and their forward migrations, versioned in their own table
/// (<c>memory_schema_version</c>) apart from the checkpoint tables': a file may hold checkpoints,
/// memories or both, and either schema can move on without the other's code knowing it.
/// </summary>
/// <remarks>
/// Layout (version 4):
/// <list type="bullet">
/// <item><c>memories</c>: one row per item, unique (ns, key); <c>ns</c> is the namespace's
/// <c>StorageKey</c> in binary collation, so a prefix search is the range
/// <c>ns &gt;= StorageKey AND ns &lt; StorageKeyUpperBound</c>; times are UTC ticks; <c>body</c> is the
/// <c>MemoryItemCodec</c> envelope (the item itself, encrypted with a key); <c>vector</c> is float32 little-endian (enveloped and encrypted like the body when the serializer has a key);
/// <c>seq</c> is the write counter's value of the transaction that last put the row.</item>
/// <item><c>memory_state</c>: one row: <c>changes</c> counts committed write transactions; removals
/// older than <c>removals_from</c> have been pruned.</item>
/// <item><c>memory_removals</c>: (seq, id) of each deleted row, kept for the last
/// <see cref="SqliteMemorySql.RemovalsKept"/> write transactions.</item>
/// <item><c>memory_history</c>: one row per change of an item, written in the change's transaction; it is also the
/// change feed (<c>WatchAsync</c>): <c>seq</c> is the change id. Since version 4 it is
/// <c>INTEGER PRIMARY KEY AUTOINCREMENT</c>, so an id is never reused, even after an erasure deleted the newest rows,
/// and the latest id is <c>sqlite_sequence</c>'s (the highest ever given); SQLite serializes writers, so id order is
/// commit order. An erasure that removed anything appends one marker row (see <see cref="SqliteMemorySql.ErasureKind"/>):
/// <c>ns</c> and <c>key</c> empty (no item has either), <c>kind</c> -1, <c>subject</c> NULL, <c>body</c> empty.</item>
/// </list>
/// Another store instance or process catches its in-process index up with the rows whose <c>seq</c> and
/// the removals whose seq are past the counter value its index reflects; an index older than the
/// pruned removals reloads everything.
/// Version 1 also had <c>memories_fts</c>, a contentless FTS5 table; version 2 drops it: ranking 100,000
/// items with FTS5's <c>bm25()</c> took 130–400 ms a query in workload M1, the in-process index (words
/// and vectors, see <see cref="SqliteSearchIndex"/>) takes a few milliseconds, and keeps no plaintext
/// words in the file when the serializer encrypts. Version 3 adds the history; version 4 rebuilds it with
/// AUTOINCREMENT (every row copied with its <c>seq</c>, its indexes recreated).
/// </remarks>
internal static class SqliteMemorySchema
{
    public static IReadOnlyList<string> Migrations(SqliteMemorySql sql) =>
    [
        $"""
        CREATE TABLE {sql.Items} (
            id INTEGER PRIMARY KEY,
            ns TEXT NOT NULL COLLATE BINARY,
            key TEXT NOT NULL COLLATE BINARY,
            kind INTEGER NOT NULL,
            subject TEXT,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            accessed INTEGER NOT NULL,
            expires INTEGER,
            importance REAL NOT NULL,
            access_count INTEGER NOT NULL,
            version INTEGER NOT NULL,
            body BLOB NOT NULL,
            vector BLOB,
            UNIQUE (ns, key));
        CREATE INDEX {sql.Items}_by_updated ON {sql.Items} (updated);
        CREATE VIRTUAL TABLE {sql.Fts} USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
        CREATE TABLE {sql.State} (id INTEGER PRIMARY KEY CHECK (id = 0), changes INTEGER NOT NULL);
        INSERT INTO {sql.State} (id, changes) VALUES (0, 0);
        """,
        $"""
        DROP TABLE IF EXISTS {sql.Fts};
        ALTER TABLE {sql.Items} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX {sql.Items}_by_seq ON {sql.Items} (seq);
        CREATE TABLE {sql.Removals} (seq INTEGER NOT NULL, id INTEGER NOT NULL);
        CREATE INDEX {sql.Removals}_by_seq ON {sql.Removals} (seq);
        ALTER TABLE {sql.State} ADD COLUMN removals_from INTEGER NOT NULL DEFAULT 0;
        UPDATE {sql.State} SET removals_from = changes;
        """,
        $"""
        CREATE TABLE {sql.History} (
            seq INTEGER PRIMARY KEY,
            ns TEXT NOT NULL COLLATE BINARY,
            key TEXT NOT NULL COLLATE BINARY,
            version INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            at INTEGER NOT NULL,
            subject TEXT,
            body BLOB NOT NULL);
        CREATE INDEX {sql.History}_by_key ON {sql.History} (ns, key, seq);
        CREATE INDEX {sql.History}_by_subject ON {sql.History} (subject) WHERE subject IS NOT NULL;
        CREATE INDEX {sql.Items}_by_expiry ON {sql.Items} (expires) WHERE expires IS NOT NULL;
        CREATE INDEX {sql.Items}_by_subject ON {sql.Items} (subject) WHERE subject IS NOT NULL;
        """,
        // The old table's indexes go with it (DROP), before the new ones take their names.
        $"""
        ALTER TABLE {sql.History} RENAME TO {sql.History}_v3;
        CREATE TABLE {sql.History} (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            ns TEXT NOT NULL COLLATE BINARY,
            key TEXT NOT NULL COLLATE BINARY,
            version INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            at INTEGER NOT NULL,
            subject TEXT,
            body BLOB NOT NULL);
        INSERT INTO {sql.History} (seq, ns, key, version, kind, at, subject, body)
            SELECT seq, ns, key, version, kind, at, subject, body FROM {sql.History}_v3 ORDER BY seq;
        DROP TABLE {sql.History}_v3;
        CREATE INDEX {sql.History}_by_key ON {sql.History} (ns, key, seq);
        CREATE INDEX {sql.History}_by_subject ON {sql.History} (subject) WHERE subject IS NOT NULL;
        """,
    ];

    /// <summary>Puts the file in WAL mode and brings the memory tables to the latest version, in one transaction.</summary>
    public static void Migrate(SqliteConnection connection, SqliteMemorySql sql)
    {
        var migrations = Migrations(sql);
        if (!string.Equals(Scalar(connection, null, "PRAGMA journal_mode;") as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            _ = Scalar(connection, null, "PRAGMA journal_mode=WAL;");
        }

        if (ReadVersion(connection, sql, null) == migrations.Count)
        {
            return;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        var version = ReadVersion(connection, sql, transaction);
        if (version > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The memory tables in '{connection.DataSource}' have schema version {version}, newer than version {migrations.Count} " +
                "that this build of Checkpoint.Sqlite understands. Upgrade the package to open it (it is left untouched).");
        }

        if (version == migrations.Count)
        {
            return;
        }

        _ = Scalar(connection, transaction, $"CREATE TABLE IF NOT EXISTS {sql.VersionTable} (version INTEGER NOT NULL);");
        for (var step = version; step < migrations.Count; step++)
        {
            _ = Scalar(connection, transaction, migrations[step]);
        }

        _ = Scalar(connection, transaction, $"DELETE FROM {sql.VersionTable}; INSERT INTO {sql.VersionTable} (version) VALUES ({migrations.Count.ToString(CultureInfo.InvariantCulture)});");
        transaction.Commit();
    }

    private static int ReadVersion(SqliteConnection connection, SqliteMemorySql sql, SqliteTransaction? transaction)
    {
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name;";
        exists.Parameters.AddWithValue("$name", sql.VersionTable);
        if (exists.ExecuteScalar() is null)
        {
            return 0;
        }

        var version = Scalar(connection, transaction, $"SELECT max(version) FROM {sql.VersionTable};");
        return version is null or DBNull ? 0 : Convert.ToInt32(version, CultureInfo.InvariantCulture);
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string text)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command.ExecuteScalar();
    }
}
