using System.Runtime.InteropServices;
using System.Text;
using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>Reads: get, namespace listing, and the candidate search (the in-process index, then the rows it names).</summary>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    protected override Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken) =>
        RunAsync(write: false, session => ReadByKey(session, new MemoryKey(memoryNamespace, key)) is { } row ? _pendingAccess.Overlay(row.Item) : null, cancellationToken);

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
            if (!query.UseKeyword && !query.UseVector)
            {
                var (low, high) = Range(query.Search.NamespacePrefix);
                return Rows(session, _sql.NewestInRange, ("$low", low), ("$high", high))
                    .Where(row => MemoryFilter.Matches(row.Item, query.Search, query.Now))
                    .Take(query.CandidateLimit)
                    .Select(row => new MemoryCandidate(row.Item, null, null))
                    .ToList();
            }

            EnsureIndex(session);
            return IndexedSearch.Select(_index.Index, query, ids => Fetch(session, ids));
        }, cancellationToken);

    /// <summary>The rows with the given ids (one statement), decoded; ids deleted since the index saw them are absent.</summary>
    private Dictionary<long, MemoryItem> Fetch(SqliteSession session, IReadOnlyCollection<long> ids)
    {
        var json = new StringBuilder("[");
        foreach (var id in ids)
        {
            json.Append(json.Length > 1 ? "," : "").Append(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Rows(session, _sql.ByIds, ("$ids", json.Append(']').ToString())).ToDictionary(row => row.Id, row => row.Item);
    }

    /// <summary>
    /// Brings the search index up to the table in this read transaction: nothing when it is current;
    /// the rows put and ids removed since its counter value when the removals table still reaches back
    /// that far; else a full reload (every body decoded).
    /// </summary>
    private void EnsureIndex(SqliteSession session)
    {
        long changes, removalsFrom;
        using (var reader = session.Command(_sql.ReadChanges).ExecuteReader())
        {
            _ = reader.Read();
            (changes, removalsFrom) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var at = _index.Changes;
        if (at == changes)
        {
            return;
        }

        if (at < 0 || at < removalsFrom || at > changes)
        {
            _index.Load(changes, IndexEntries(session, _sql.AllForIndex));
            return;
        }

        var removed = new List<long>();
        using (var reader = session.Command(_sql.RemovedSince, ("$seq", at)).ExecuteReader())
        {
            while (reader.Read())
            {
                removed.Add(reader.GetInt64(0));
            }
        }

        _index.CatchUp(at, changes, removed, IndexEntries(session, _sql.PutSince, ("$seq", at)));
    }

    private List<IndexedMemory> IndexEntries(SqliteSession session, string sql, params (string Name, object Value)[] parameters)
    {
        var entries = new List<IndexedMemory>();
        using var reader = session.Command(sql, parameters).ExecuteReader();
        while (reader.Read())
        {
            var item = ReadItem(reader, withPendingAccess: false);
            var vector = reader.IsDBNull(6) ? (ReadOnlyMemory<float>?)null : VectorOf((byte[])reader.GetValue(6), item);
            entries.Add(IndexedMemory.Of(reader.GetInt64(0), item, vector));
        }

        return entries;
    }

    private float[] VectorOf(byte[] stored, MemoryItem item) =>
        Encrypts ? MemoryItemCodec.DecodeVector(stored, item.Namespace, item.Key, Options.Serializer) : MemoryMarshal.Cast<byte, float>(stored).ToArray();

    /// <summary>Rows of a query selecting <c>id, ns, key, body, accessed, access_count</c>, decoded lazily (callers stop early).</summary>
    private IEnumerable<(long Id, MemoryItem Item)> Rows(SqliteSession session, string sql, params (string Name, object Value)[] parameters)
    {
        using var reader = session.Command(sql, parameters).ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), ReadItem(reader, withPendingAccess: true));
        }
    }

    /// <summary>
    /// The item of a row selecting <c>id, ns, key, body, accessed, access_count</c>: the body with the
    /// counters of the columns, plus this store's accesses not written yet when <paramref name="withPendingAccess"/>.
    /// </summary>
    private MemoryItem ReadItem(Microsoft.Data.Sqlite.SqliteDataReader reader, bool withPendingAccess)
    {
        var item = Decode((byte[])reader.GetValue(3), reader.GetString(1), reader.GetString(2)) with
        {
            LastAccessedAt = new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
            AccessCount = reader.GetInt64(5),
        };
        return withPendingAccess ? _pendingAccess.Overlay(item) : item;
    }

    // Binary collation compares UTF-8 bytes: U+10FFFF sorts after every stored namespace.
    private static (string Low, string High) Range(MemoryNamespace? prefix) =>
        prefix is null ? ("", char.ConvertFromUtf32(0x10FFFF)) : (prefix.StorageKey, prefix.StorageKeyUpperBound);
}
