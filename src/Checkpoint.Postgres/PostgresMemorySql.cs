using System.Globalization;

namespace Checkpoint.Postgres;

/// <summary>
/// The memory store's table names and fixed SQL texts for one schema and table prefix (both checked
/// and quoted once). No value is ever spliced in: everything a caller gives travels as a parameter;
/// filters are added as fixed fragments by <see cref="PostgresMemoryFilter"/>.
/// </summary>
internal sealed class PostgresMemorySql
{
    /// <summary>The columns a row reader expects: id, ns, key, body, vector as <c>real[]</c>, sealed vector.</summary>
    public const string RowColumns = "m.id, m.ns, m.key, m.body, m.embedding::real[], m.sealed_embedding";

    /// <summary>A row has a vector: in plaintext, or sealed (enveloped and encrypted) when the store encrypts.</summary>
    private const string HasVector = "(m.embedding IS NOT NULL OR m.sealed_embedding IS NOT NULL)";

    public PostgresMemorySql(string schema, string prefix)
    {
        QuotedSchema = PostgresMigrations.QuoteSchema(schema);
        if (prefix is null || (prefix.Length > 0 &&
            !((char.IsAsciiLetter(prefix[0]) || prefix[0] == '_') && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && prefix.Length <= 40)))
        {
            throw new ArgumentException(
                $"The table prefix '{prefix}' is not a plain SQL identifier: use a letter or underscore, then letters, digits or underscores (at most 40).",
                nameof(prefix));
        }

        Prefix = prefix;
        Items = $"{QuotedSchema}.\"{prefix}memories\"";
        State = $"{QuotedSchema}.\"{prefix}memory_state\"";
        VersionTable = $"{QuotedSchema}.\"{prefix}memory_schema_version\"";
        History = $"{QuotedSchema}.\"{prefix}memory_history\"";
        Channel = ChannelName(schema, prefix);
        // The counter bump comes last in its transaction (see PostgresMemorySchema): its row lock, held to commit,
        // orders the change ids by commit. The notification carries the new latest id and is delivered at commit.
        AppendHistory = $"""
            WITH c AS (UPDATE {State} SET change_id = change_id + cardinality(@ns::text[]) WHERE id = 0 RETURNING change_id),
            h AS (INSERT INTO {History} (seq, ns, key, version, kind, at, subject, body)
                SELECT c.change_id - cardinality(@ns::text[]) + r.ord, r.ns, r.key, r.version, r.kind, r.at, r.subject, r.body
                FROM c CROSS JOIN unnest(@ns::text[], @keys::text[], @versions::bigint[], @kinds::integer[], @ats::bigint[], @subjects::text[], @bodies::bytea[])
                    WITH ORDINALITY AS r(ns, key, version, kind, at, subject, body, ord))
            SELECT c.change_id, pg_notify(@channel, c.change_id::text) FROM c
            """;
        AppendErasure = $"""
            WITH c AS (UPDATE {State} SET change_id = change_id + 1 WHERE id = 0 RETURNING change_id),
            h AS (INSERT INTO {History} (seq, version, kind, at) SELECT c.change_id, 0, -1, @at FROM c) -- kind -1: PostgresMemorySchema.ErasedKind
            SELECT c.change_id, pg_notify(@channel, c.change_id::text) FROM c
            """;
        LatestChangeId = $"SELECT change_id FROM {State} WHERE id = 0";
        // One statement, so one snapshot: the counter read with the rows is consistent with them.
        ReadChanges = $"""
            SELECT s.change_id, h.seq, h.ns, h.key, h.version, h.kind, h.at FROM {State} s
            LEFT JOIN LATERAL (
                SELECT seq, ns, key, version, kind, at FROM {History}
                WHERE seq > @after AND (ns IS NULL OR (ns >= @low AND ns < @high))
                ORDER BY seq LIMIT @limit) h ON true
            WHERE s.id = 0 ORDER BY h.seq
            """;
        DeleteByIds = $"DELETE FROM {Items} WHERE id = ANY(@ids)";
        DeleteHistoryOfSubject = $"DELETE FROM {History} WHERE subject = ANY(@subjects)";
        VacuumFull = $"VACUUM FULL {Items}, {History}";
        CountLive = $"SELECT count(*) FROM {Items} WHERE ns >= @low AND ns < @high AND (expires IS NULL OR expires > @now)";
        HistoryOfKey = $"SELECT version, kind, at, body FROM {History} WHERE ns = @ns AND key = @key ORDER BY seq";
        Scan = $"""
            SELECT {RowColumns} FROM {Items} m WHERE m.ns >= @low AND m.ns < @high
                AND (@subjects::text[] IS NULL OR m.subject = ANY(@subjects) OR (@sealed AND m.subject IS NULL)) AND (@expired::bigint IS NULL OR m.expires <= @expired)
            """;
        DeleteById = $"DELETE FROM {Items} WHERE id = @id";
        LockRows = $"""
            SELECT m.ns, m.key, m.id, m.body FROM {Items} m
            JOIN unnest(@ns::text[], @keys::text[]) AS k(ns, key) ON m.ns = k.ns AND m.key = k.key
            ORDER BY m.ns, m.key FOR UPDATE OF m
            """;
        ReadState = $"SELECT dimensions, vector_type FROM {State} WHERE id = 0";
        SetDimensions = $"UPDATE {State} SET dimensions = @dimensions WHERE id = 0 AND dimensions IS NULL RETURNING dimensions";
        UpdateAccess = $"UPDATE {Items} SET accessed = @accessed, access_count = @access_count, body = @body WHERE id = @id";
        VectorsByIds = $"SELECT m.id, m.version, m.embedding::real[], m.sealed_embedding, m.ns, m.key FROM {Items} m WHERE m.id = ANY(@ids) AND {HasVector}";
        SelectByKey = $"SELECT m.body FROM {Items} m WHERE m.ns = @ns AND m.key = @key";
        ListNamespaces = $"SELECT DISTINCT m.ns FROM {Items} m WHERE m.ns >= @low AND m.ns < @high ORDER BY m.ns";
        ByIds = $"SELECT {RowColumns} FROM {Items} m WHERE m.id = ANY(@ids)";
        ItemsPage = $"SELECT id, ns, key, body, sealed_embedding, subject FROM {Items} WHERE id > @after ORDER BY id LIMIT @limit";
        ResealItem = $"""
            UPDATE {Items} SET body = @body, sealed_embedding = @vector, subject = @subject
            WHERE id = @id AND body = @old AND sealed_embedding IS NOT DISTINCT FROM @old_vector
            """;
        HistoryPage = $"SELECT seq, ns, key, body, subject FROM {History} WHERE seq > @after AND kind >= 0 ORDER BY seq LIMIT @limit";
        ResealHistory = $"UPDATE {History} SET body = @body, subject = @subject WHERE seq = @seq AND body = @old";
    }

    /// <summary>Item rows after id <c>@after</c>, at most <c>@limit</c>, with the columns re-encryption rewrites.</summary>
    public string ItemsPage { get; }

    /// <summary>Swaps an item row's sealed columns, only if it still holds the body and sealed vector read.</summary>
    public string ResealItem { get; }

    /// <summary>History rows of items (no erasure markers) after <c>@after</c>, at most <c>@limit</c>, with the columns re-encryption rewrites.</summary>
    public string HistoryPage { get; }

    /// <summary>Swaps a history row's body and subject, only if it still holds the body read.</summary>
    public string ResealHistory { get; }

    public string QuotedSchema { get; }

    public string Prefix { get; }

    public string Items { get; }

    public string State { get; }

    public string VersionTable { get; }

    public string LockRows { get; }

    public string ReadState { get; }

    public string SetDimensions { get; }

    public string UpdateAccess { get; }

    /// <summary>The history table (one row per change of an item, texts in an enveloped body).</summary>
    public string History { get; }

    /// <summary>Appends history rows (one per element of the array parameters) numbered from the counter, and notifies.</summary>
    public string AppendHistory { get; }

    /// <summary>Appends the marker row of an erasure, numbered from the counter, and notifies.</summary>
    public string AppendErasure { get; }

    /// <summary>The change counter: the latest change id.</summary>
    public string LatestChangeId { get; }

    /// <summary>The counter and, after it, the feed's events after <c>@after</c> in the range or erasures, at most <c>@limit</c>.</summary>
    public string ReadChanges { get; }

    /// <summary>
    /// The notification channel of these tables: named for the schema and prefix, so stores of other schemas are not
    /// woken, and at most 63 bytes (PostgreSQL's identifier limit; longer names end in a hash of the whole name).
    /// </summary>
    public string Channel { get; }

    public string HistoryOfKey { get; }

    public string DeleteByIds { get; }

    /// <summary>Deletes the history rows whose subject is one of <c>@subjects</c> (a subject's tags under every key).</summary>
    public string DeleteHistoryOfSubject { get; }

    /// <summary>Rewrites the memory and history tables without dead tuples (after an erasure).</summary>
    public string VacuumFull { get; }

    /// <summary>The number of unexpired items in a namespace range.</summary>
    public string CountLive { get; }

    /// <summary>Rows (<see cref="RowColumns"/>) in a namespace range, optionally of one subject (<c>@subjects</c>: its tags under every key) and expired by a time.</summary>
    public string Scan { get; }

    public string DeleteById { get; }

    public string SelectByKey { get; }

    public string ListNamespaces { get; }

    public string VectorsByIds { get; }

    public string ByIds { get; }

    private static string ChannelName(string schema, string prefix)
    {
        // Schema and prefix are plain ASCII identifiers (checked above): one byte per character.
        const int Limit = 63;
        var name = $"checkpoint_memory.{schema}.{prefix}";
        if (name.Length <= Limit)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16];
        return $"{name[..(Limit - hash.Length - 1)]}.{hash}";
    }

    /// <summary>The name of the result column of <see cref="Upsert"/> that divides by zero when the write lost a race.</summary>
    public const string LostRaceGuard = "lost_insert_race";

    /// <summary>
    /// The upsert of one item; the vector parameter is cast to the column's type. It replaces a stored row only when that
    /// row has the version before the new one (the row the transaction locked and resolved against). A row inserted by a
    /// concurrent transaction after this one found none (so nothing was locked) fails that test, and then the statement
    /// divides by zero on purpose (column <see cref="LostRaceGuard"/>), aborting the batch before its history and commit:
    /// the caller runs the whole put again, which now finds and locks the row.
    /// </summary>
    public string Upsert(bool pgVector) => $"""
        WITH written AS (
            INSERT INTO {Items} AS m (ns, key, kind, subject, created, updated, accessed, expires, importance, access_count, version, words, tsv, body, embedding, sealed_embedding)
            VALUES (@ns, @key, @kind, @subject, @created, @updated, @accessed, @expires, @importance, @access_count, @version, @words, @tsv::tsvector, @body,
                    {(pgVector ? "@embedding::real[]::vector" : "@embedding")}, @sealed_embedding)
            ON CONFLICT (ns, key) DO UPDATE SET kind = excluded.kind, subject = excluded.subject, created = excluded.created,
                updated = excluded.updated, accessed = excluded.accessed, expires = excluded.expires, importance = excluded.importance,
                access_count = excluded.access_count, version = excluded.version, words = excluded.words, tsv = excluded.tsv,
                body = excluded.body, embedding = excluded.embedding, sealed_embedding = excluded.sealed_embedding
            WHERE m.version = excluded.version - 1
            RETURNING 1)
        SELECT 1 / count(*) AS {LostRaceGuard} FROM written
        """;

    /// <summary>Types the pgvector column once the first vector fixes the size (the column is created untyped).</summary>
    public string TypeVectorColumn(int dimensions) =>
        string.Create(CultureInfo.InvariantCulture, $"ALTER TABLE {Items} ALTER COLUMN embedding TYPE vector({dimensions})");

    /// <summary>Rows under the filter, newest first, one page.</summary>
    public string Newest(string filter) =>
        $"SELECT {RowColumns} FROM {Items} m WHERE {filter} ORDER BY m.updated DESC, m.ns, m.key LIMIT @take OFFSET @skip";

    /// <summary>Every row under the filter (the encrypted keyword scan).</summary>
    public string All(string filter) => $"SELECT {RowColumns} FROM {Items} m WHERE {filter}";

    /// <summary>Ids and versions of the rows with a vector under the filter (the client-side cosine scan checks its cache with them).</summary>
    public string VectorManifest(string filter) => $"SELECT m.id, m.version FROM {Items} m WHERE {filter} AND {HasVector}";

    /// <summary>Rows under the filter by pgvector cosine distance, one page, with the similarity last.</summary>
    public string NearestPgVector(string filter) => $"""
        SELECT {RowColumns}, 1 - (m.embedding <=> @query_vector::real[]::vector) FROM {Items} m
        WHERE {filter} AND m.embedding IS NOT NULL
        ORDER BY m.embedding <=> @query_vector::real[]::vector, m.ns, m.key LIMIT @take OFFSET @skip
        """;

    /// <summary>
    /// Rows under the filter matching any query word, by Okapi BM25 (k1 1.2, b 0.75, the formula of
    /// <c>Bm25</c>) computed here with statistics over the filtered rows: item count and mean word
    /// count, and per word the rows holding it (GIN). <c>@terms</c> are the distinct words,
    /// <c>@lexemes</c> each as a quoted tsquery, <c>@query</c> all of them OR-joined. Term frequency =
    /// the word's positions in the tsvector (written as 1..tf). One page, score last; ranked on narrow rows, the bodies
    /// and vectors read only for the page (sorting whole rows cost twice as much at 20,000 matches).
    /// </summary>
    public string Keyword(string filter) => $"""
        WITH terms AS MATERIALIZED (SELECT t.term, t.lexeme FROM unnest(@terms::text[], @lexemes::text[]) AS t(term, lexeme)),
        stats AS MATERIALIZED (SELECT count(*)::float8 AS n, coalesce(avg(m.words), 0)::float8 AS avgdl FROM {Items} m WHERE {filter}),
        idf AS MATERIALIZED (
            SELECT t.term, ln(1 + (s.n - d.df + 0.5) / (d.df + 0.5)) AS idf
            FROM terms t CROSS JOIN stats s
            CROSS JOIN LATERAL (SELECT count(*)::float8 AS df FROM {Items} m WHERE m.tsv @@ t.lexeme::tsquery AND {filter}) d
            WHERE d.df > 0),
        ranked AS MATERIALIZED (
            SELECT m.id, m.ns, m.key, b.score
            FROM {Items} m CROSS JOIN stats s
            CROSS JOIN LATERAL (
                SELECT sum(i.idf * cardinality(v.positions) * 2.2::float8
                           / (cardinality(v.positions) + 1.2::float8 * (0.25::float8 + 0.75::float8 * m.words / greatest(s.avgdl, 1e-9::float8)))) AS score
                FROM unnest(m.tsv) AS v JOIN idf i ON i.term = v.lexeme) b
            WHERE m.tsv @@ @query::tsquery AND {filter}
            ORDER BY b.score DESC, m.ns, m.key LIMIT @take OFFSET @skip)
        SELECT {RowColumns}, r.score FROM ranked r JOIN {Items} m ON m.id = r.id ORDER BY r.score DESC, r.ns, r.key
        """;
}
