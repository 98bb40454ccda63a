namespace Checkpoint.Postgres;

/// <summary>The SQL of record groups (<c>checkpoint_groups</c>, schema version 4) for one schema.</summary>
internal sealed class PostgresGroupSql
{
    public PostgresGroupSql(string quotedSchema, string live)
    {
        var s = quotedSchema;

        // Groups are read as "c" so that the saver's Live condition (on c.thread_id) applies as it is.
        Select = $"""
            SELECT c.thread_id, c.ns, c.ids, c.data,
                   w.cids, w.task_ids, w.nodes, w.idxs, w.channels, w.vals, c.last_id
            FROM {s}.checkpoint_groups c
            LEFT JOIN LATERAL (
                SELECT array_agg(w.checkpoint_id) AS cids,
                       array_agg(w.task_id) AS task_ids,
                       array_agg(w.node) AS nodes,
                       array_agg(w.idx) AS idxs,
                       array_agg(w.channel) AS channels,
                       array_agg(w.value) AS vals
                FROM {s}.writes w
                WHERE w.thread_id = c.thread_id AND w.ns = c.ns AND w.checkpoint_id = ANY(c.ids)
            ) w ON true
            """;
        GetOne = Select + "\nWHERE c.thread_id = @thread AND c.ns = @ns AND c.last_id >= @id AND c.first_id <= @id AND c.ids @> ARRAY[@id]" + live;
        GetById = Select + "\nWHERE c.first_id <= @id AND c.last_id >= @id AND c.ids @> ARRAY[@id]" + live;

        // The groups check_put found (the same condition and bound: a group holding the id or the parent spans it, and
        // a child of the parent is newer than it).
        LockForPut = $"""
            SELECT c.ns, c.last_id, c.ids, c.data FROM {s}.checkpoint_groups c
            WHERE c.thread_id = @thread AND c.ns = @ns AND c.last_id >= least(@id, coalesce(@parent, @id))
              AND (c.ids @> ARRAY[@id] OR (@parent IS NOT NULL AND (c.ids @> ARRAY[@parent] OR c.parents @> ARRAY[@parent])))
            ORDER BY c.last_id
            FOR UPDATE
            """;
        LockThread = $"SELECT c.ns, c.last_id, c.ids, c.data FROM {s}.checkpoint_groups c WHERE c.thread_id = @thread ORDER BY c.ns, c.last_id FOR UPDATE";
        InsertLoose = $"""
            INSERT INTO {s}.checkpoints (id, thread_id, ns, parent_id, continues, body)
            SELECT x.id, @thread, @ns, x.parent_id, x.continues, x.body
            FROM unnest(@ids, @parents, @continues, @bodies) AS x(id, parent_id, continues, body)
            """;
        DeleteGroups = $"DELETE FROM {s}.checkpoint_groups WHERE thread_id = @thread AND ns = @ns AND last_id = ANY(@last_ids)";

        TryGroupLock = "SELECT pg_try_advisory_xact_lock(@class, hashtext(@lock_key))";

        // The oldest loose rows beyond the newest @keep that can be grouped, in whole groups, at most @most of them
        // (NULL: all): deleted here and returned, to be inserted as groups in the same transaction. Nothing when the
        // grouping lock is held by another transaction (taken again here: a no-op for the holder).
        TakeMembers = $"""
            WITH older AS (
                SELECT c.id, c.metadata, c.body FROM {s}.checkpoints c
                WHERE c.thread_id = @thread AND c.ns = @ns AND (SELECT pg_try_advisory_xact_lock(@class, hashtext(@lock_key)))
                ORDER BY c.id DESC OFFSET @keep
            ), eligible AS (
                SELECT o.id, row_number() OVER (ORDER BY o.id) AS rn, count(*) OVER () AS n
                FROM older o
                WHERE o.metadata = '{"{}"}'::jsonb AND length(o.body) <= @max_body
                  AND NOT EXISTS (SELECT 1 FROM {s}.writes w WHERE w.thread_id = @thread AND w.ns = @ns AND w.checkpoint_id = o.id)
            )
            DELETE FROM {s}.checkpoints d USING eligible e
            WHERE d.id = e.id AND e.rn <= least(e.n - e.n % @size, coalesce(@most, e.n))
            RETURNING d.id, d.parent_id, d.continues, d.body
            """;
        InsertGroup = $"""
            INSERT INTO {s}.checkpoint_groups (thread_id, ns, last_id, first_id, ids, parents, data)
            VALUES (@thread, @ns, @last_id, @first_id, @ids, @parents, @data)
            """;
        Namespaces = $"SELECT DISTINCT ns FROM {s}.checkpoints WHERE thread_id = @thread";

        ThreadGroups = $"SELECT c.ns, c.ids, c.data FROM {s}.checkpoint_groups c WHERE c.thread_id = @thread{live}";
        LockMember = $"""
            SELECT c.last_id, c.ids, c.data FROM {s}.checkpoint_groups c
            WHERE c.thread_id = @thread AND c.ns = @ns AND c.ids @> ARRAY[@id]
            FOR UPDATE
            """;
        ReplaceData = $"UPDATE {s}.checkpoint_groups SET data = @data WHERE thread_id = @thread AND ns = @ns AND last_id = @last_id";
        DeleteThread = $"DELETE FROM {s}.checkpoint_groups WHERE thread_id = @thread";
        CopyMembers = $"""
            INSERT INTO {s}.checkpoints (id, thread_id, ns, parent_id, continues, body)
            SELECT x.id, @target, x.ns, x.parent_id, x.continues, x.body
            FROM unnest(@ids, @namespaces, @parents, @continues, @bodies) AS x(id, ns, parent_id, continues, body)
            """;
    }

    /// <summary>Group rows (thread, namespace, ids, data) with their members' pending writes as arrays; append a WHERE clause.</summary>
    public string Select { get; }

    /// <summary>The group of checkpoint <c>@id</c> of <c>@thread</c>, <c>@ns</c>.</summary>
    public string GetOne { get; }

    /// <summary>The group of checkpoint <c>@id</c>, in any thread.</summary>
    public string GetById { get; }

    /// <summary>Locks the groups a put of <c>@id</c> on <c>@parent</c> must release (they hold the id, the parent or a child of it).</summary>
    public string LockForPut { get; }

    /// <summary>Locks every group of <c>@thread</c>.</summary>
    public string LockThread { get; }

    /// <summary>Inserts released members as loose rows (empty metadata).</summary>
    public string InsertLoose { get; }

    /// <summary>Deletes the groups <c>@last_ids</c> of <c>@thread</c>, <c>@ns</c>.</summary>
    public string DeleteGroups { get; }

    /// <summary>The grouping lock of a thread, when free (one grouping per thread at a time).</summary>
    public string TryGroupLock { get; }

    /// <summary>Deletes and returns the loose rows to group.</summary>
    public string TakeMembers { get; }

    public string InsertGroup { get; }

    /// <summary>The namespaces of a thread's loose rows.</summary>
    public string Namespaces { get; }

    /// <summary>A thread's live groups (a copy's source).</summary>
    public string ThreadGroups { get; }

    /// <summary>Locks the group of checkpoint <c>@id</c> (re-encryption).</summary>
    public string LockMember { get; }

    /// <summary>Replaces a group's data (re-encryption).</summary>
    public string ReplaceData { get; }

    public string DeleteThread { get; }

    /// <summary>Inserts copies of grouped members into <c>@target</c> as loose rows (a copy groups them again).</summary>
    public string CopyMembers { get; }
}
