namespace Checkpoint.Sqlite;

/// <summary>
/// The memory store's SQL texts with its table names (prefix + <c>memories</c>, <c>memories_fts</c>,
/// <c>memory_state</c>, <c>memory_schema_version</c>). Built once per store, so each text is a
/// constant that the connections' statement caches keep prepared. No value is ever spliced in:
/// everything a caller gives travels as a parameter.
/// </summary>
internal sealed class SqliteMemorySql
{
    private const string Columns = "m.id, m.ns, m.key, m.body, m.vector";

    public SqliteMemorySql(SqliteTables tables)
    {
        var items = tables.Prefix + "memories";
        var fts = tables.Prefix + "memories_fts";
        var state = tables.Prefix + "memory_state";
        Items = items;
        Fts = fts;
        State = state;
        VersionTable = tables.Prefix + "memory_schema_version";
        SelectByKey = $"SELECT m.id, m.body FROM {items} m WHERE m.ns = $ns AND m.key = $key;";
        Upsert = $"""
            INSERT INTO {items} (ns, key, kind, subject, created, updated, accessed, expires, importance, access_count, version, body, vector)
            VALUES ($ns, $key, $kind, $subject, $created, $updated, $accessed, $expires, $importance, $access_count, $version, $body, $vector)
            ON CONFLICT (ns, key) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, created = excluded.created,
                updated = excluded.updated, accessed = excluded.accessed, expires = excluded.expires, importance = excluded.importance,
                access_count = excluded.access_count, version = excluded.version, body = excluded.body, vector = excluded.vector
            RETURNING id;
            """;
        UpdateAccess = $"UPDATE {items} SET accessed = $accessed, access_count = $access_count, body = $body WHERE id = $id;";
        DeleteByKey = $"DELETE FROM {items} WHERE ns = $ns AND key = $key RETURNING id;";
        FtsDelete = $"DELETE FROM {fts} WHERE rowid = $id;";
        FtsInsert = $"INSERT INTO {fts} (rowid, text) VALUES ($id, $text);";
        ReadChanges = $"SELECT changes FROM {state} WHERE id = 0;";
        BumpChanges = $"UPDATE {state} SET changes = changes + 1 WHERE id = 0 RETURNING changes;";
        ListNamespaces = $"SELECT DISTINCT ns FROM {items} WHERE ns >= $low AND ns < $high ORDER BY ns;";
        NewestInRange = $"SELECT {Columns} FROM {items} m WHERE m.ns >= $low AND m.ns < $high ORDER BY m.updated DESC, m.ns, m.key;";
        AllInRange = $"SELECT {Columns} FROM {items} m WHERE m.ns >= $low AND m.ns < $high;";
        KeywordInRange = $"""
            SELECT {Columns}, -bm25({fts}) AS score FROM {fts} JOIN {items} m ON m.id = {fts}.rowid
            WHERE {fts} MATCH $match AND m.ns >= $low AND m.ns < $high ORDER BY bm25({fts});
            """;
        ById = $"SELECT {Columns} FROM {items} m WHERE m.id = $id;";
        AllVectors = $"SELECT id, ns, vector FROM {items} WHERE vector IS NOT NULL;";
    }

    public string Items { get; }

    public string Fts { get; }

    public string State { get; }

    public string VersionTable { get; }

    public string SelectByKey { get; }

    public string Upsert { get; }

    public string UpdateAccess { get; }

    public string DeleteByKey { get; }

    public string FtsDelete { get; }

    public string FtsInsert { get; }

    public string ReadChanges { get; }

    public string BumpChanges { get; }

    public string ListNamespaces { get; }

    public string NewestInRange { get; }

    public string AllInRange { get; }

    public string KeywordInRange { get; }

    public string ById { get; }

    public string AllVectors { get; }
}
