namespace Checkpoint.Memory;

/// <summary>
/// <c>SearchCoreAsync</c> for backends that keep a <see cref="MemorySearchIndex"/>: asks the index for the
/// best ids by each signal, reads only those items, keeps the ones that pass <see cref="MemoryFilter.Matches"/>,
/// and asks the index for more (4× each round) while a filter leaves a signal short of the candidate limit.
/// </summary>
public static class IndexedSearch
{
    /// <summary>
    /// The candidates for <paramref name="query"/> (which must use a signal: keyword or vector).
    /// <paramref name="fetch"/> returns the items with the given ids; an id it leaves out (deleted since
    /// the index saw it) is skipped.
    /// </summary>
    public static IReadOnlyList<MemoryCandidate> Select(
        MemorySearchIndex index, CandidateQuery query, Func<IReadOnlyCollection<long>, IReadOnlyDictionary<long, MemoryItem>> fetch)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(fetch);
        var prefix = query.Search.NamespacePrefix?.StorageKey;
        var text = query.UseKeyword ? query.QueryText : null;
        var vector = query.UseVector ? query.QueryVector : null;
        var wanted = query.CandidateLimit;
        for (var limit = wanted; ; limit = checked(limit * 4))
        {
            var found = index.Search(prefix, text, vector, limit);
            var items = fetch(found.ByKeyword.Concat(found.ByVector).Select(hit => hit.Id).ToHashSet());
            var byKeyword = Passing(found.ByKeyword, items, query).Take(wanted).ToList();
            var byVector = Passing(found.ByVector, items, query).Take(wanted).ToList();

            // A list shorter than asked means the index has nothing more for that signal.
            if ((byKeyword.Count == wanted || found.ByKeyword.Count < limit) && (byVector.Count == wanted || found.ByVector.Count < limit))
            {
                return byKeyword.UnionBy(byVector, candidate => (candidate.Item.Namespace.StorageKey, candidate.Item.Key)).ToList();
            }
        }
    }

    private static IEnumerable<MemoryCandidate> Passing(IReadOnlyList<IndexHit> hits, IReadOnlyDictionary<long, MemoryItem> items, CandidateQuery query)
    {
        foreach (var hit in hits)
        {
            if (items.TryGetValue(hit.Id, out var item) && MemoryFilter.Matches(item, query.Search, query.Now))
            {
                yield return new MemoryCandidate(item, hit.KeywordScore, hit.VectorSimilarity);
            }
        }
    }
}
