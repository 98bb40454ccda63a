using Checkpoint.Memory;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>Reads: get, namespace listing, and the candidate search (BM25 over the tsvector, vectors).</summary>
public sealed partial class PostgresMemoryStore
{
    /// <summary>How many vector-ranked rows are fetched per round trip in the client-side cosine scan.</summary>
    private const int VectorFetch = 128;

    /// <inheritdoc />
    protected override Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken) =>
        RunAsync("read a memory", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(_sql.SelectByKey, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("ns", memoryNamespace.StorageKey));
            command.Parameters.Add(new NpgsqlParameter<string>("key", key));
            return await command.ExecuteScalarAsync(token).ConfigureAwait(false) is byte[] body
                ? MemoryItemCodec.Decode(body, memoryNamespace, key, Options.Serializer)
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryNamespace>> ListNamespacesCoreAsync(NamespaceQuery query, CancellationToken cancellationToken) =>
        RunAsync("list memory namespaces", async (connection, token) =>
        {
            // "C" collation compares UTF-8 bytes: U+10FFFF sorts after every stored namespace.
            await using var command = new NpgsqlCommand(_sql.ListNamespaces, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("low", query.Prefix?.StorageKey ?? ""));
            command.Parameters.Add(new NpgsqlParameter<string>("high", query.Prefix?.StorageKeyUpperBound ?? char.ConvertFromUtf32(0x10FFFF)));
            var namespaces = new List<MemoryNamespace>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                namespaces.Add(ParseNamespace(reader.GetString(0)));
            }

            return NamespaceListing.Apply(namespaces, query);
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryCandidate>> SearchCoreAsync(CandidateQuery query, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<MemoryCandidate>>("search memories", async (connection, token) =>
        {
            var filter = PostgresMemoryFilter.For(query, Encrypts);
            var target = query.UseVector ? query.QueryVector : null;
            if (target is { } checkedVector)
            {
                await CheckQueryVectorAsync(connection, checkedVector.Length, token).ConfigureAwait(false);
            }

            if (Encrypts && query.UseKeyword)
            {
                // No words in the table with a key: decode everything under the prefix and score it here.
                var all = await ReadRowsAsync(filter.Command(connection, _sql.All(filter.Sql)), token).ConfigureAwait(false);
                return CandidateScan.Select(all.Select(row => new StoredMemory(row.Item, row.Vector)), query);
            }

            if (!query.UseKeyword && !query.UseVector)
            {
                var newest = await RankedAsync(connection, _sql.Newest(filter.Sql), filter, query, [], token).ConfigureAwait(false);
                return newest.Select(row => new MemoryCandidate(row.Item, null, null)).ToList();
            }

            var found = new Dictionary<long, MemoryCandidate>();
            if (query.UseKeyword && PostgresKeywords.Terms(query.QueryText) is { Length: > 0 } terms)
            {
                NpgsqlParameter[] Words() =>
                [
                    new NpgsqlParameter<string[]>("terms", terms),
                    new NpgsqlParameter<string[]>("lexemes", PostgresKeywords.Lexemes(terms)),
                    new NpgsqlParameter<string>("query", PostgresKeywords.Query(terms)),
                ];
                foreach (var row in await RankedAsync(connection, _sql.Keyword(filter.Sql), filter, query, Words, token).ConfigureAwait(false))
                {
                    var similarity = target is { } t && row.Vector is { } v ? VectorMath.Cosine(v, t.Span) : (double?)null;
                    found[row.Id] = new MemoryCandidate(row.Item, row.Score, similarity);
                }
            }

            if (target is { } queryVector)
            {
                // With a key the vectors are sealed: pgvector cannot see them, the client compares them.
                var nearest = _pgVector && !Encrypts
                    ? await NearestPgVectorAsync(connection, filter, query, queryVector, token).ConfigureAwait(false)
                    : await NearestScanAsync(connection, filter, query, queryVector, found, token).ConfigureAwait(false);
                foreach (var (row, similarity) in nearest)
                {
                    found.TryAdd(row.Id, new MemoryCandidate(row.Item, null, similarity));
                }
            }

            return found.Values.ToList();
        }, cancellationToken);

    /// <summary>
    /// The best rows by pgvector cosine distance (<c>&lt;=&gt;</c>, exact: no ANN index yet).
    /// Not exercised by this repository's tests: the test server has no pgvector.
    /// </summary>
    private async Task<List<(Row Row, double Similarity)>> NearestPgVectorAsync(
        NpgsqlConnection connection, PostgresMemoryFilter filter, CandidateQuery query, ReadOnlyMemory<float> target, CancellationToken cancellationToken)
    {
        var rows = await RankedAsync(connection, _sql.NearestPgVector(filter.Sql), filter, query,
            () => [PostgresMemoryFilter.Vector("query_vector", target)], cancellationToken).ConfigureAwait(false);

        // pgvector gives NaN for a zero vector; VectorMath says 0.
        return rows.Select(row => (row, row.Score is { } s && !double.IsNaN(s) ? Math.Clamp(s, -1, 1) : 0)).ToList();
    }

    /// <summary>
    /// The best rows by cosine computed here (<see cref="VectorMath"/>): reads the (id, version) pairs
    /// under the filter, fetches only the vectors this store has not cached at that version
    /// (<see cref="PostgresVectorCache"/>), ranks them, then fetches bodies in rank order until enough
    /// pass the filters. Rows already in <paramref name="known"/> count without a second fetch.
    /// </summary>
    private async Task<List<(Row Row, double Similarity)>> NearestScanAsync(
        NpgsqlConnection connection, PostgresMemoryFilter filter, CandidateQuery query, ReadOnlyMemory<float> target,
        Dictionary<long, MemoryCandidate> known, CancellationToken cancellationToken)
    {
        var manifest = new List<(long Id, long Version)>();
        await using (var command = filter.Command(connection, _sql.VectorManifest(filter.Sql)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                manifest.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        if (_vectors.Missing(manifest) is { Length: > 0 } missing)
        {
            var fetched = new List<(long, long, float[])>(missing.Length);
            await using var command = new NpgsqlCommand(_sql.VectorsByIds, connection);
            command.Parameters.Add(new NpgsqlParameter<long[]>("ids", missing));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The query keeps rows with a vector in one of the two columns.
                fetched.Add((reader.GetInt64(0), reader.GetInt64(1), VectorOf(reader, 2, reader.GetString(4), reader.GetString(5))!));
            }

            _vectors.Store(fetched);
        }

        // A row updated between the two reads was fetched at its newer version, which is used.
        var scored = new List<(long Id, double Similarity)>(manifest.Count);
        foreach (var (id, version) in manifest)
        {
            if (_vectors.Get(id, version) is { } vector)
            {
                scored.Add((id, VectorMath.Cosine(vector, target.Span)));
            }
        }

        scored.Sort((a, b) => b.Similarity != a.Similarity ? b.Similarity.CompareTo(a.Similarity) : a.Id.CompareTo(b.Id));
        var kept = new List<(Row, double)>();
        var count = 0;
        for (var start = 0; start < scored.Count && count < query.CandidateLimit; start += VectorFetch)
        {
            var page = scored.Skip(start).Take(VectorFetch).ToList();
            var unread = page.Where(entry => !known.ContainsKey(entry.Id)).Select(entry => entry.Id).ToArray();
            var fetched = unread.Length == 0
                ? []
                : (await ReadRowsAsync(filter.Command(connection, _sql.ByIds, new NpgsqlParameter<long[]>("ids", unread)), cancellationToken)
                    .ConfigureAwait(false)).ToDictionary(row => row.Id);
            foreach (var (id, similarity) in page)
            {
                if (count == query.CandidateLimit)
                {
                    break;
                }

                if (known.TryGetValue(id, out var candidate))
                {
                    count += MemoryFilter.Matches(candidate.Item, query.Search, query.Now) ? 1 : 0;
                }
                else if (fetched.TryGetValue(id, out var row) && MemoryFilter.Matches(row.Item, query.Search, query.Now))
                {
                    kept.Add((row, similarity));
                    count++;
                }
            }
        }

        return kept;
    }

    /// <summary>
    /// The first <see cref="CandidateQuery.CandidateLimit"/> rows of a ranked query that pass
    /// <see cref="MemoryFilter.Matches"/>, fetched a page (<c>@take</c>, <c>@skip</c>) at a time;
    /// pages are larger when some filter is checked only after decoding.
    /// </summary>
    private async Task<List<Row>> RankedAsync(
        NpgsqlConnection connection, string sql, PostgresMemoryFilter filter, CandidateQuery query,
        Func<NpgsqlParameter[]> parameters, CancellationToken cancellationToken)
    {
        var limit = query.CandidateLimit;
        var page = filter.NeedsClientCheck ? Math.Max(limit * 4, 100) : limit;
        var kept = new List<Row>();
        for (var skip = 0; ; skip += page)
        {
            var command = filter.Command(connection, sql,
                [.. parameters(), new NpgsqlParameter<int>("take", page), new NpgsqlParameter<int>("skip", skip)]);
            var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
            foreach (var row in rows.Where(row => MemoryFilter.Matches(row.Item, query.Search, query.Now)))
            {
                kept.Add(row);
                if (kept.Count == limit)
                {
                    return kept;
                }
            }

            if (rows.Count < page)
            {
                return kept;
            }
        }
    }

    private Task<List<Row>> RankedAsync(
        NpgsqlConnection connection, string sql, PostgresMemoryFilter filter, CandidateQuery query,
        NpgsqlParameter[] none, CancellationToken cancellationToken) =>
        RankedAsync(connection, sql, filter, query, () => none, cancellationToken);

    /// <summary>Runs (and disposes) a command selecting <see cref="PostgresMemorySql.RowColumns"/>[, score] and decodes its rows.</summary>
    private async Task<List<Row>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            var rows = new List<Row>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var scored = reader.FieldCount > 6;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var item = Decode(reader.GetFieldValue<byte[]>(3), reader.GetString(1), reader.GetString(2));
                var vector = VectorOf(reader, 4, reader.GetString(1), reader.GetString(2));
                rows.Add(new Row(reader.GetInt64(0), item, vector, scored && !reader.IsDBNull(6) ? reader.GetDouble(6) : null));
            }

            return rows;
        }
    }

    /// <summary>The vector of a row from its plaintext column (<paramref name="column"/>) or, when that is NULL, its sealed one (the next column).</summary>
    private float[]? VectorOf(NpgsqlDataReader reader, int column, string storageKey, string key)
    {
        if (!reader.IsDBNull(column))
        {
            return reader.GetFieldValue<float[]>(column);
        }

        return reader.IsDBNull(column + 1)
            ? null
            : MemoryItemCodec.DecodeVector(reader.GetFieldValue<byte[]>(column + 1), ParseNamespace(storageKey), key, Options.Serializer);
    }

    /// <summary>Checks the query vector against the table's vector size (read once it is set).</summary>
    private async Task CheckQueryVectorAsync(NpgsqlConnection connection, int dimensions, CancellationToken cancellationToken)
    {
        if (_storedDimensions == 0)
        {
            await using var read = new NpgsqlCommand(_sql.ReadState, connection);
            _storedDimensions = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int known ? known : 0;
        }

        CheckDimensions(dimensions, _storedDimensions);
    }

    private sealed record Row(long Id, MemoryItem Item, float[]? Vector, double? Score);
}
