using System.Runtime.InteropServices;
using Checkpoint.Memory;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>Reads: get, namespace listing, and the candidate search (FTS5 + the vector index).</summary>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    protected override Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken) =>
        RunAsync(write: false, session => ReadByKey(session, new MemoryKey(memoryNamespace, key))?.Item, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryNamespace>> ListNamespacesCoreAsync(NamespaceQuery query, CancellationToken cancellationToken) =>
        RunAsync(write: false, session =>
        {
            var (low, high) = Range(query.Prefix);
            var namespaces = new List<MemoryNamespace>();
            using var reader = session.Command(_sql.ListNamespaces, ("$low", low), ("$high", high)).ExecuteReader();
            while (reader.Read())
            {
                namespaces.Add(ParseNamespace(reader.GetString(0)));
            }

            return NamespaceListing.Apply(namespaces, query);
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryCandidate>> SearchCoreAsync(CandidateQuery query, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<MemoryCandidate>>(write: false, session =>
        {
            var (low, high) = Range(query.Search.NamespacePrefix);
            if (Encrypts && query.UseKeyword)
            {
                // No FTS words with a key: decode everything under the prefix and score it here.
                return CandidateScan.Select(Scan(session, _sql.AllInRange, ("$low", low), ("$high", high)).Select(row => row.Memory), query);
            }

            if (!query.UseKeyword && !query.UseVector)
            {
                return Scan(session, _sql.NewestInRange, ("$low", low), ("$high", high))
                    .Where(row => MemoryFilter.Matches(row.Memory.Item, query.Search, query.Now))
                    .Take(query.CandidateLimit)
                    .Select(row => new MemoryCandidate(row.Memory.Item, null, null))
                    .ToList();
            }

            var target = query.UseVector && query.QueryVector is { } vector ? vector : (ReadOnlyMemory<float>?)null;
            if (target is not null)
            {
                EnsureIndex(session);
            }

            var found = new Dictionary<long, MemoryCandidate>();
            if (query.UseKeyword && Match(query.QueryText) is { } match)
            {
                foreach (var row in Scan(session, _sql.KeywordInRange, ("$match", match), ("$low", low), ("$high", high))
                    .Where(row => MemoryFilter.Matches(row.Memory.Item, query.Search, query.Now))
                    .Take(query.CandidateLimit))
                {
                    var similarity = target is { } t ? _index.Similarity(row.Id, t.Span) : null;
                    found[row.Id] = new MemoryCandidate(row.Memory.Item, row.Score, similarity);
                }
            }

            if (target is { } queryVector)
            {
                var kept = 0;
                foreach (var (id, similarity) in _index.Rank(low, queryVector.Span))
                {
                    if (kept == query.CandidateLimit)
                    {
                        break;
                    }

                    if (found.TryGetValue(id, out var known))
                    {
                        kept += MemoryFilter.Matches(known.Item, query.Search, query.Now) ? 1 : 0;
                        continue;
                    }

                    var row = Scan(session, _sql.ById, ("$id", id)).FirstOrDefault();
                    if (row is not null && MemoryFilter.Matches(row.Memory.Item, query.Search, query.Now))
                    {
                        found[id] = new MemoryCandidate(row.Memory.Item, null, similarity);
                        kept++;
                    }
                }
            }

            return found.Values.ToList();
        }, cancellationToken);

    /// <summary>Reloads the vector index in this read transaction when the table changed since it was built.</summary>
    private void EnsureIndex(SqliteSession session)
    {
        var changes = ReadChanges(session);
        if (_index.IsAt(changes))
        {
            return;
        }

        var rows = new List<(long, string, byte[])>();
        using (var reader = session.Command(_sql.AllVectors).ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2)));
            }
        }

        _index.Load(changes, rows);
    }

    /// <summary>Rows of a query selecting <c>id, ns, key, body, vector[, score]</c>, decoded lazily (callers stop early).</summary>
    private IEnumerable<Row> Scan(SqliteSession session, string sql, params (string Name, object Value)[] parameters)
    {
        using var reader = session.Command(sql, parameters).ExecuteReader();
        var scored = reader.FieldCount > 5;
        while (reader.Read())
        {
            var item = Decode((byte[])reader.GetValue(3), reader.GetString(1), reader.GetString(2));
            var vector = reader.IsDBNull(4) ? (ReadOnlyMemory<float>?)null : MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(4)).ToArray();
            yield return new Row(reader.GetInt64(0), new StoredMemory(item, vector), scored ? reader.GetDouble(5) : null);
        }
    }

    /// <summary>
    /// The FTS5 MATCH expression for a query: its <see cref="KeywordText"/> words, each quoted as an
    /// FTS5 string and OR-joined, so quotes, stars, NEAR, OR or dashes in the text are words, never syntax.
    /// Null when the text has no words.
    /// </summary>
    internal static string? Match(string text)
    {
        var words = KeywordText.Tokenize(text).Distinct(StringComparer.Ordinal).ToList();
        return words.Count == 0 ? null : string.Join(" OR ", words.Select(word => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }

    // Binary collation compares UTF-8 bytes: U+10FFFF sorts after every stored namespace.
    private static (string Low, string High) Range(MemoryNamespace? prefix) =>
        prefix is null ? ("", char.ConvertFromUtf32(0x10FFFF)) : (prefix.StorageKey, prefix.StorageKeyUpperBound);

    private sealed record Row(long Id, StoredMemory Memory, double? Score);
}
