namespace Checkpoint.Sqlite;

/// <summary>
/// The memory store's SQL texts with its table names (prefix + <c>memories</c>, <c>memory_state</c>,
/// <c>memory_schema_version</c>; <c>memories_fts</c> only to drop it). Built once per store, so each
/// text is a constant that the connections' statement caches keep prepared. No value is ever spliced
/// in: everything a caller gives travels as a parameter.
/// </summary>
internal sealed class SqliteMemorySql
{
    // The access counters are read from their columns, not the body: a search records access without re-encoding bodies.
    private const string Columns = "m.id, m.ns, m.key, m.body, m.accessed, m.access_count";

    /// <summary>How many write transactions back the removals table reaches.</summary>
    public const long RemovalsKept = 100_000;

    public SqliteMemorySql(SqliteTables tables)
    {
        var items = tables.Prefix + "memories";
        var state = tables.Prefix + "memory_state";
        Items = items;
        Fts = tables.Prefix + "memories_fts";
        State = state;
        Removals = tables.Prefix + "memory_removals";
        VersionTable = tables.Prefix + "memory_schema_version";
        History = tables.Prefix + "memory_history";
        AddHistory = $"INSERT INTO {History} (ns, key, version, kind, at, subject, body) VALUES ($ns, $key, $version, $kind, $at, $subject, $body);";
        DeleteHistoryOfSubject = $"DELETE FROM {History} WHERE subject IN (SELECT value FROM json_each($subjects));";
        CountLive = $"SELECT count(*) FROM {items} WHERE ns >= $low AND ns < $high AND (expires IS NULL OR expires > $now);";
        HistoryOfKey = $"SELECT version, kind, at, body FROM {History} WHERE ns = $ns AND key = $key ORDER BY seq;";
        AddErasureMarker = $"INSERT INTO {History} (ns, key, version, kind, at, subject, body) VALUES ('', '', 0, {ErasureKind.ToString(System.Globalization.CultureInfo.InvariantCulture)}, $at, NULL, x'');";
        LatestChangeId = $"SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{History}'), 0);";
        // The unary + keeps the planner off the (ns, key, seq) index: the rowid (seq) range is walked in order and
        // stops at the limit, and the texts (subject, body: the last columns) are never read.
        ChangesAfter = $"""
            SELECT seq, ns, key, version, kind, at FROM {History}
            WHERE seq > $after AND (+ns = '' OR (+ns >= $low AND +ns < $high)) ORDER BY seq LIMIT $limit;
            """;
        Scan = $"""
            SELECT {Columns}, m.vector FROM {items} m WHERE m.ns >= $low AND m.ns < $high
                AND ($subjects IS NULL OR m.subject IN (SELECT value FROM json_each($subjects)) OR ($sealed AND m.subject IS NULL)) AND ($expired IS NULL OR m.expires <= $expired);
            """;
        SelectByKey = $"SELECT {Columns} FROM {items} m WHERE m.ns = $ns AND m.key = $key;";
        Upsert = $"""
            INSERT INTO {items} (ns, key, kind, subject, created, updated, accessed, expires, importance, access_count, version, body, vector, seq)
            VALUES ($ns, $key, $kind, $subject, $created, $updated, $accessed, $expires, $importance, $access_count, $version, $body, $vector, $seq)
            ON CONFLICT (ns, key) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, created = excluded.created,
                updated = excluded.updated, accessed = excluded.accessed, expires = excluded.expires, importance = excluded.importance,
                access_count = excluded.access_count, version = excluded.version, body = excluded.body, vector = excluded.vector, seq = excluded.seq
            RETURNING id;
            """;
        RecordAccess = $"UPDATE {items} SET accessed = max(accessed, $accessed), access_count = access_count + $count WHERE ns = $ns AND key = $key;";
        DeleteById = $"DELETE FROM {items} WHERE id = $id;";
        ReadChanges = $"SELECT changes, removals_from FROM {state} WHERE id = 0;";
        AddRemoval = $"INSERT INTO {Removals} (seq, id) VALUES ($seq, $id);";
        PruneRemovals = $"""
            DELETE FROM {Removals} WHERE seq <= $seq - {RemovalsKept};
            UPDATE {state} SET removals_from = max(removals_from, $seq - {RemovalsKept}) WHERE id = 0;
            """;
        RemovedSince = $"SELECT id FROM {Removals} WHERE seq > $seq ORDER BY seq;";
        PutSince = $"SELECT {Columns}, m.vector FROM {items} m WHERE m.seq > $seq;";
        BumpChanges = $"UPDATE {state} SET changes = changes + 1 WHERE id = 0 RETURNING changes;";
        ListNamespaces = $"SELECT DISTINCT ns FROM {items} WHERE ns >= $low AND ns < $high ORDER BY ns;";
        NewestInRange = $"SELECT {Columns} FROM {items} m WHERE m.ns >= $low AND m.ns < $high ORDER BY m.updated DESC, m.ns, m.key;";
        ByIds = $"SELECT {Columns} FROM {items} m WHERE m.id IN (SELECT value FROM json_each($ids));";
        AllForIndex = $"SELECT {Columns}, m.vector FROM {items} m;";
        ItemsPage = $"SELECT id, ns, key, body, vector, subject FROM {items} WHERE id > $after ORDER BY id LIMIT $limit;";
        ResealItem = $"UPDATE {items} SET body = $body, vector = $vector, subject = $subject WHERE id = $id AND body = $old AND vector IS $old_vector;";
        HistoryPage = $"SELECT seq, ns, key, body, subject FROM {History} WHERE seq > $after AND kind >= 0 ORDER BY seq LIMIT $limit;";
        ResealHistory = $"UPDATE {History} SET body = $body, subject = $subject WHERE seq = $seq AND body = $old;";
    }

    /// <summary>Item rows after id <c>$after</c>, at most <c>$limit</c>, with the columns re-encryption rewrites.</summary>
    public string ItemsPage { get; }

    /// <summary>Swaps an item row's sealed columns, only if it still holds the body and vector read (<c>$old</c>, <c>$old_vector</c>).</summary>
    public string ResealItem { get; }

    /// <summary>History rows of items (no erasure markers) after <c>$after</c>, at most <c>$limit</c>, with the columns re-encryption rewrites.</summary>
    public string HistoryPage { get; }

    /// <summary>Swaps a history row's body and subject, only if it still holds the body read (<c>$old</c>).</summary>
    public string ResealHistory { get; }

    /// <summary>
    /// The <c>kind</c> of an erasure's marker row in the history (outside <see cref="Checkpoint.Memory.MemoryChangeKind"/>,
    /// whose values are 0 to 5): with <c>ns</c> and <c>key</c> empty, which no item has, so a key's history never holds it.
    /// </summary>
    public const int ErasureKind = -1;

    public string Items { get; }

    /// <summary>Appends an erasure's marker row to the history (no namespace, key, subject or text): parameter <c>$at</c>.</summary>
    public string AddErasureMarker { get; }

    /// <summary>The highest change id ever given (AUTOINCREMENT keeps it in <c>sqlite_sequence</c>, deletes never lower it); 0 when none.</summary>
    public string LatestChangeId { get; }

    /// <summary>History rows (without texts) after <c>$after</c> in the namespace range, and every erasure marker, ascending, at most <c>$limit</c>.</summary>
    public string ChangesAfter { get; }

    /// <summary>The history table (one row per change of an item, texts in an enveloped body).</summary>
    public string History { get; }

    public string AddHistory { get; }

    public string HistoryOfKey { get; }

    /// <summary>Deletes the history rows whose subject is one of the JSON array <c>$subjects</c> (a subject's tags under every key).</summary>
    public string DeleteHistoryOfSubject { get; }

    /// <summary>The number of unexpired items in a namespace range.</summary>
    public string CountLive { get; }

    /// <summary>Items (with vectors) in a namespace range, optionally of one subject (<c>$subjects</c>: a JSON array of its tags) and expired by a time.</summary>
    public string Scan { get; }

    public string Fts { get; }

    public string State { get; }

    public string Removals { get; }

    public string AddRemoval { get; }

    /// <summary>Drops removals older than <see cref="RemovalsKept"/> transactions before <c>$seq</c>, and records how far.</summary>
    public string PruneRemovals { get; }

    /// <summary>Ids deleted after counter value <c>$seq</c>.</summary>
    public string RemovedSince { get; }

    /// <summary>Rows put after counter value <c>$seq</c>, with their vectors.</summary>
    public string PutSince { get; }

    public string VersionTable { get; }

    public string SelectByKey { get; }

    public string Upsert { get; }

    public string RecordAccess { get; }

    public string DeleteById { get; }

    public string ReadChanges { get; }

    public string BumpChanges { get; }

    public string ListNamespaces { get; }

    public string NewestInRange { get; }

    /// <summary>Rows whose id is in the JSON array <c>$ids</c>, in one statement.</summary>
    public string ByIds { get; }

    /// <summary>Every row with its vector: what the search index is loaded from.</summary>
    public string AllForIndex { get; }
}
