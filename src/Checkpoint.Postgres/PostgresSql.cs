namespace Checkpoint.Postgres;

/// <summary>The saver's SQL for one schema (the schema name is validated and quoted once).</summary>
internal sealed class PostgresSql
{
    public PostgresSql(string quotedSchema, bool expires)
    {
        var s = quotedSchema;
        Expires = expires;
        Groups = new PostgresGroupSql(s, expires ? $" AND NOT EXISTS (SELECT 1 FROM {s}.threads x WHERE x.thread_id = c.thread_id AND x.touched_at <= @cutoff)" : "");

        // Expired threads are hidden from every read; without a time to live the condition (and @cutoff) is left out.
        Live = expires ? $" AND NOT EXISTS (SELECT 1 FROM {s}.threads x WHERE x.thread_id = c.thread_id AND x.touched_at <= @cutoff)" : "";
        var liveThread = expires ? $"WHERE NOT EXISTS (SELECT 1 FROM {s}.threads x WHERE x.thread_id = @thread AND x.touched_at <= @cutoff)" : "";
        TouchThread = $"SELECT {s}.touch_thread(@thread, @now, @cutoff)";
        SelectTuple = $"""
            SELECT c.id, c.thread_id, c.ns, c.parent_id, c.body,
                   w.task_ids, w.nodes, w.idxs, w.channels, w.vals
            FROM {s}.checkpoints c
            LEFT JOIN LATERAL (
                SELECT array_agg(w.task_id ORDER BY w.task_id, w.idx) AS task_ids,
                       array_agg(w.node ORDER BY w.task_id, w.idx) AS nodes,
                       array_agg(w.idx ORDER BY w.task_id, w.idx) AS idxs,
                       array_agg(w.channel ORDER BY w.task_id, w.idx) AS channels,
                       array_agg(w.value ORDER BY w.task_id, w.idx) AS vals
                FROM {s}.writes w
                WHERE w.thread_id = c.thread_id AND w.ns = c.ns AND w.checkpoint_id = c.id
            ) w ON true
            """;
        GetLatest = SelectTuple + "\nWHERE c.thread_id = @thread AND c.ns = @ns" + Live + " ORDER BY c.id DESC LIMIT 1";
        GetOne = SelectTuple + "\nWHERE c.id = @id AND c.thread_id = @thread AND c.ns = @ns" + Live;
        GetById = SelectTuple + "\nWHERE c.id = @id" + Live;

        CheckPut = $"SELECT {s}.check_put(@id, @thread, @ns, @parent, @continue)";
        InsertChunks = $"""
            INSERT INTO {s}.chunks (thread_id, ns, blob_id, seq, data)
            SELECT @thread, @ns, x.blob_id, x.seq, x.data
            FROM unnest(@blob_ids, @seqs, @datas) AS x(blob_id, seq, data)
            ON CONFLICT DO NOTHING
            """;
        PutBlocks = $"""
            WITH b AS (SELECT * FROM unnest(@blob_ids, @seqs, @untils, @datas) AS x(blob_id, seq, until_seq, data)),
            gone AS (
                DELETE FROM {s}.chunks c USING b
                WHERE c.thread_id = @thread AND c.ns = @ns AND c.blob_id = b.blob_id AND c.seq > b.seq AND c.seq < b.until_seq)
            INSERT INTO {s}.chunks (thread_id, ns, blob_id, seq, data)
            SELECT @thread, @ns, b.blob_id, b.seq, b.data FROM b
            ON CONFLICT (thread_id, ns, blob_id, seq) DO UPDATE SET data = excluded.data
            """;
        LockChunks = $"""
            SELECT seq, data FROM {s}.chunks
            WHERE thread_id = @thread AND ns = @ns AND blob_id = @blob_id AND seq = ANY(@seqs)
            ORDER BY seq FOR UPDATE
            """;
        SwapChunks = $"""
            WITH gone AS (
                DELETE FROM {s}.chunks WHERE thread_id = @thread AND ns = @ns AND blob_id = @blob_id AND seq = ANY(@seqs) AND seq <> @seq)
            UPDATE {s}.chunks SET data = @data WHERE thread_id = @thread AND ns = @ns AND blob_id = @blob_id AND seq = @seq
            """;
        UpsertCheckpoint = $"""
            INSERT INTO {s}.checkpoints (id, thread_id, ns, parent_id, continues, body, metadata)
            VALUES (@id, @thread, @ns, @parent, @continue, @body, @metadata)
            ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, continues = excluded.continues,
                body = excluded.body, metadata = excluded.metadata
            """;
        DeleteCheckpointWrites = $"DELETE FROM {s}.writes WHERE thread_id = @thread AND ns = @ns AND checkpoint_id = @parent";
        UpsertWrites = $"""
            INSERT INTO {s}.writes (thread_id, ns, checkpoint_id, task_id, idx, node, channel, value)
            SELECT @thread, @ns, @checkpoint, x.task_id, x.idx, x.node, x.channel, x.value
            FROM unnest(@task_ids, @idxs, @nodes, @channels, @vals) AS x(task_id, idx, node, channel, value)
            ON CONFLICT (thread_id, ns, checkpoint_id, task_id, idx) DO UPDATE
                SET node = excluded.node, channel = excluded.channel, value = excluded.value
            """;
        // The first chunk of each run is found once per run (LATERAL), not once per candidate chunk:
        // in the join condition the subquery ran for every chunk below the run's end, O(blob length).
        ReadChunks = $"""
            SELECT c.blob_id, c.seq, c.data
            FROM unnest(@blob_ids, @starts, @ends) WITH ORDINALITY AS r(blob_id, start_seq, end_seq, ord)
            CROSS JOIN LATERAL (SELECT COALESCE((SELECT f.seq FROM {s}.chunks f
                WHERE f.thread_id = @thread AND f.ns = @ns AND f.blob_id = r.blob_id AND f.seq <= r.start_seq
                ORDER BY f.seq DESC LIMIT 1), 0) AS seq) first
            JOIN {s}.chunks c ON c.thread_id = @thread AND c.ns = @ns AND c.blob_id = r.blob_id
                AND c.seq >= first.seq AND c.seq < r.end_seq
            {liveThread}
            ORDER BY r.ord, c.seq
            """;

        DeleteThreadCheckpoints = $"DELETE FROM {s}.checkpoints WHERE thread_id = @thread";
        DeleteThreadChunks = $"DELETE FROM {s}.chunks WHERE thread_id = @thread";
        DeleteThreadWrites = $"DELETE FROM {s}.writes WHERE thread_id = @thread";
        DeleteThreadStamp = $"DELETE FROM {s}.threads WHERE thread_id = @thread";
        VacuumFull = $"VACUUM FULL {s}.checkpoints, {s}.checkpoint_groups, {s}.chunks, {s}.writes";

        ThreadLock = "SELECT pg_advisory_xact_lock(@class, hashtext(@lock_key))";
        SharedThreadLock = "SELECT pg_advisory_xact_lock_shared(@class, hashtext(@lock_key))";
        ThreadHasData = $"""
            SELECT EXISTS (SELECT 1 FROM {s}.checkpoints WHERE thread_id = @thread)
                OR EXISTS (SELECT 1 FROM {s}.chunks WHERE thread_id = @thread)
                OR EXISTS (SELECT 1 FROM {s}.writes WHERE thread_id = @thread)
                OR EXISTS (SELECT 1 FROM {s}.checkpoint_groups WHERE thread_id = @thread)
            """;
        // One statement, so one snapshot: a checkpoint moving between its row and a group meanwhile is seen once.
        ThreadIds = $"""
            SELECT c.id, c.ns, c.body, NULL::uuid[] AS ids, NULL::bytea AS data FROM {s}.checkpoints c WHERE c.thread_id = @thread{Live}
            UNION ALL
            SELECT NULL, c.ns, NULL, c.ids, c.data FROM {s}.checkpoint_groups c WHERE c.thread_id = @thread{Live}
            """;
        CopyCheckpoints = $"""
            INSERT INTO {s}.checkpoints (id, thread_id, ns, parent_id, continues, body, metadata)
            SELECT m.new_id, @target, c.ns, coalesce(p.new_id, c.parent_id), c.continues, m.body, c.metadata
            FROM {s}.checkpoints c
            JOIN unnest(@old_ids, @new_ids, @bodies) AS m(old_id, new_id, body) ON m.old_id = c.id
            LEFT JOIN unnest(@old_ids, @new_ids) AS p(old_id, new_id) ON p.old_id = c.parent_id
            WHERE c.thread_id = @thread
            ORDER BY m.new_id
            """;
        CopyChunks = $"""
            INSERT INTO {s}.chunks (thread_id, ns, blob_id, seq, data)
            SELECT @target, ns, blob_id, seq, data FROM {s}.chunks WHERE thread_id = @thread
            """;
        CopyWrites = $"""
            INSERT INTO {s}.writes (thread_id, ns, checkpoint_id, task_id, idx, node, channel, value)
            SELECT @target, w.ns, m.new_id, w.task_id, w.idx, w.node, w.channel, w.value
            FROM {s}.writes w
            JOIN unnest(@old_ids, @new_ids) AS m(old_id, new_id) ON m.old_id = w.checkpoint_id
            WHERE w.thread_id = @thread
            """;

        KeptRecords = $"SELECT c.id, c.thread_id, c.ns, c.parent_id, c.body FROM {s}.checkpoints c WHERE c.thread_id = @thread{Live}";
        StampUntouched = $"""
            SELECT DISTINCT ON (c.thread_id) c.id, c.thread_id, c.ns, c.parent_id, c.body
            FROM {s}.checkpoints c
            WHERE NOT EXISTS (SELECT 1 FROM {s}.threads t WHERE t.thread_id = c.thread_id)
            ORDER BY c.thread_id, c.id DESC
            """;
        InsertStamps = $"""
            INSERT INTO {s}.threads (thread_id, touched_at)
            SELECT x.thread_id, x.touched_at FROM unnest(@threads, @times) AS x(thread_id, touched_at)
            ON CONFLICT (thread_id) DO NOTHING
            """;
        // SKIP LOCKED: a thread whose row a put holds is being refreshed, so it is not purged now.
        PurgeExpired = $"""
            WITH gone AS (
                DELETE FROM {s}.threads WHERE thread_id IN (
                    SELECT thread_id FROM {s}.threads WHERE touched_at <= @cutoff LIMIT @limit FOR UPDATE SKIP LOCKED)
                RETURNING thread_id
            ), w AS (
                DELETE FROM {s}.writes WHERE thread_id IN (SELECT thread_id FROM gone)
            ), k AS (
                DELETE FROM {s}.chunks WHERE thread_id IN (SELECT thread_id FROM gone)
            ), g AS (
                DELETE FROM {s}.checkpoint_groups WHERE thread_id IN (SELECT thread_id FROM gone)
            ), p AS (
                DELETE FROM {s}.checkpoints WHERE thread_id IN (SELECT thread_id FROM gone)
            )
            SELECT thread_id FROM gone
            """;
        PruneChunks = $"""
            DELETE FROM {s}.chunks c
            WHERE c.thread_id = @thread AND NOT EXISTS (
                SELECT 1 FROM unnest(@blob_ids, @starts, @ends) AS r(blob_id, start_seq, end_seq)
                WHERE r.blob_id = c.blob_id AND c.seq < r.end_seq
                    AND NOT EXISTS (SELECT 1 FROM {s}.chunks n
                        WHERE n.thread_id = c.thread_id AND n.ns = c.ns AND n.blob_id = c.blob_id
                            AND n.seq > c.seq AND n.seq <= r.start_seq))
            """;

        // Key rotation: a body and its metadata index (keyed hashes) change together; a write only if unchanged.
        LockRecordBody = $"SELECT body FROM {s}.checkpoints WHERE id = @id AND thread_id = @thread AND ns = @ns FOR UPDATE";
        ReplaceRecordBody = $"UPDATE {s}.checkpoints SET body = @body, metadata = @metadata WHERE id = @id";
        ReplaceWrite = $"""
            UPDATE {s}.writes SET value = @value
            WHERE thread_id = @thread AND ns = @ns AND checkpoint_id = @checkpoint AND task_id = @task AND idx = @idx AND value = @stored
            """;
    }

    /// <summary>The stored body of checkpoint <c>@id</c> (of <c>@thread</c>, <c>@ns</c>), its row locked.</summary>
    public string LockRecordBody { get; }

    /// <summary>Sets the body and metadata index of checkpoint <c>@id</c>.</summary>
    public string ReplaceRecordBody { get; }

    /// <summary>Sets a pending write's value to <c>@value</c> when it still holds <c>@stored</c>.</summary>
    public string ReplaceWrite { get; }

    /// <summary>The SQL of record groups.</summary>
    public PostgresGroupSql Groups { get; }

    /// <summary>Whether the saver has a thread time to live (reads then take <c>@cutoff</c>).</summary>
    public bool Expires { get; }

    /// <summary>
    /// Appended to a WHERE clause on checkpoints <c>c</c>: the thread has not expired (put after <c>@cutoff</c>, or
    /// never stamped). Empty without a time to live.
    /// </summary>
    public string Live { get; }

    /// <summary>A put's first statement with a time to live (see the <c>touch_thread</c> function): expire, then stamp.</summary>
    public string TouchThread { get; }

    /// <summary>The newest checkpoint of each thread with no put time recorded (written without a time to live).</summary>
    public string StampUntouched { get; }

    /// <summary>Records put times (<c>@threads</c>, <c>@times</c>) for threads that have none.</summary>
    public string InsertStamps { get; }

    /// <summary>Deletes up to <c>@limit</c> threads put at or before <c>@cutoff</c> with all their rows; returns their ids.</summary>
    public string PurgeExpired { get; }

    /// <summary>Checkpoint columns plus the writes aggregated into arrays; append a WHERE clause.</summary>
    public string SelectTuple { get; }

    public string GetLatest { get; }

    public string GetOne { get; }

    public string GetById { get; }

    public string CheckPut { get; }

    public string InsertChunks { get; }

    /// <summary>Stores blocks: each deletes its blob's chunks in (seq, until) and replaces the chunk at seq.</summary>
    public string PutBlocks { get; }

    /// <summary>Locks the chunks a repack is about to replace (returns those still stored).</summary>
    public string LockChunks { get; }

    /// <summary>Replaces locked chunks by a block stored at the first one's key.</summary>
    public string SwapChunks { get; }

    public string UpsertCheckpoint { get; }

    public string DeleteCheckpointWrites { get; }

    public string UpsertWrites { get; }

    public string ReadChunks { get; }

    public string DeleteThreadCheckpoints { get; }

    public string DeleteThreadChunks { get; }

    public string DeleteThreadWrites { get; }

    /// <summary>Forgets a deleted thread's last put, so that a purge does not count it again.</summary>
    public string DeleteThreadStamp { get; }

    public string ThreadLock { get; }

    /// <summary>The thread lock in shared mode: puts take it so a prune (exclusive) never runs between them.</summary>
    public string SharedThreadLock { get; }

    public string ThreadHasData { get; }

    /// <summary>Id, namespace and body of a thread's live loose checkpoints, and namespace, ids and data of its groups (a copy's source).</summary>
    public string ThreadIds { get; }

    /// <summary>Copies the checkpoints of @old_ids as @new_ids with the rebased @bodies (parallel arrays).</summary>
    public string CopyCheckpoints { get; }

    public string CopyChunks { get; }

    public string CopyWrites { get; }

    public string KeptRecords { get; }

    public string PruneChunks { get; }

    /// <summary>Rewrites the saver's tables without dead tuples (after an erasure).</summary>
    public string VacuumFull { get; }
}
