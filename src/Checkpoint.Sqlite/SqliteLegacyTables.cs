using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// Files written before the table prefix (schema versions 1 and 2), or by a saver with an empty prefix, have
/// unprefixed tables: <c>names</c>, <c>checkpoints</c>, <c>chunks</c>, <c>writes</c>, <c>schema_version</c>. On
/// first open with a prefix they are renamed to the prefixed names, in the migration's transaction, rows
/// untouched (then migrated on as usual); from version 4 with their <c>record_groups</c> table, from version 5 with
/// <c>id_prefixes</c> and its triggers. Tables of those names
/// that are not ours (another column list, no version row of ours) are left alone.
/// </summary>
internal static class SqliteLegacyTables
{
    /// <summary>Each unprefixed table with its exact columns, in order: how our tables are told from an app's.</summary>
    private static readonly (string Table, string Columns)[] Shapes =
    [
        ("schema_version", "version"),
        ("names", "id,owner,name"), // version 3 adds "touched", checked below
        ("checkpoints", "scope,id,parent,body"),
        ("chunks", "chunk,data"),
        ("writes", "scope,checkpoint,task,idx,node,channel,value"),
    ];

    /// <summary>The schema version of our unprefixed tables in the file; 0 when it has none.</summary>
    public static async Task<int> FindAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var (table, columns) in Shapes)
        {
            using var command = Command(
                connection, transaction,
                "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info($table) ORDER BY cid);");
            command.Parameters.AddWithValue("$table", table);
            var found = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            if (found != columns && !(table == "names" && found == columns + ",touched"))
            {
                return 0;
            }
        }

        using var read = Command(connection, transaction, "SELECT max(version) FROM schema_version;");
        // Later versions too: a saver of this build with TablePrefix "" writes them (and migrates a legacy file so).
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version and >= 1
            && version <= SqliteSchema.LatestVersion
            ? (int)version
            : 0;
    }

    /// <summary>
    /// Renames our unprefixed tables (at <paramref name="version"/>) to the prefixed names. SQLite
    /// cannot rename an index or a trigger, so the version 2-4 index on checkpoint ids, and from version 5 the
    /// triggers on checkpoint rows, are dropped and created again under their prefixed names.
    /// </summary>
    public static async Task RenameAsync(
        SqliteConnection connection, SqliteTransaction transaction, SqliteTables tables, int version, CancellationToken cancellationToken)
    {
        foreach (var (table, _) in Shapes)
        {
            using var rename = Command(connection, transaction, $"ALTER TABLE \"{table}\" RENAME TO \"{tables[table]}\";");
            _ = await rename.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Version 4 added the record groups (see SqliteSchema).
        if (version >= 4)
        {
            using var groups = Command(
                connection, transaction,
                tables.Sql("ALTER TABLE \"record_groups\" RENAME TO {record_groups}; DROP INDEX IF EXISTS record_groups_by_scope; " +
                    "CREATE INDEX {record_groups_by_scope} ON {record_groups} (scope);"));
            _ = await groups.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Version 5 replaced that index with the id_prefixes table and its triggers, which name the old tables.
        if (version >= 5)
        {
            using var prefixes = Command(
                connection, transaction,
                tables.Sql("ALTER TABLE \"id_prefixes\" RENAME TO {id_prefixes}; DROP TRIGGER IF EXISTS checkpoints_id_unique; " +
                    "DROP TRIGGER IF EXISTS checkpoints_id_added; DROP TRIGGER IF EXISTS checkpoints_id_removed; " + SqliteSchema.IdPrefixTriggers));
            _ = await prefixes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (version >= 2)
        {
            using var index = Command(
                connection, transaction,
                tables.Sql("DROP INDEX IF EXISTS checkpoints_by_id; CREATE UNIQUE INDEX {checkpoints_by_id} ON {checkpoints} (id);"));
            _ = await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
