namespace Checkpoint.Postgres;

/// <summary>The SQL of prune by policy and thread listing, for one schema.</summary>
internal sealed class PostgresRetentionSql(string quotedSchema, string live)
{
    /// <summary>Deletes the checkpoints <c>@ids</c> of a thread and their writes; returns how many checkpoints went.</summary>
    public string DeleteCheckpoints { get; } = $"""
        WITH doomed AS (
            SELECT id, ns FROM {quotedSchema}.checkpoints WHERE thread_id = @thread AND id = ANY(@ids)
        ), doomed_writes AS (
            DELETE FROM {quotedSchema}.writes w USING doomed d
            WHERE w.thread_id = @thread AND w.ns = d.ns AND w.checkpoint_id = d.id
        ), gone AS (
            DELETE FROM {quotedSchema}.checkpoints c USING doomed d WHERE c.id = d.id RETURNING 1
        )
        SELECT count(*)::integer FROM gone
        """;

    /// <summary>The first <c>@limit</c> thread ids, in code point order (the "C" collation compares UTF-8 bytes).</summary>
    public string FirstThreads { get; } =
        $"""SELECT DISTINCT c.thread_id COLLATE "C" AS t FROM {quotedSchema}.checkpoints c WHERE true{live} ORDER BY t LIMIT @limit""";

    /// <summary>The first <c>@limit</c> thread ids after <c>@after</c>, in code point order.</summary>
    public string ThreadsAfter { get; } =
        $"""SELECT DISTINCT c.thread_id COLLATE "C" AS t FROM {quotedSchema}.checkpoints c WHERE c.thread_id COLLATE "C" > @after{live} ORDER BY t LIMIT @limit""";
}
