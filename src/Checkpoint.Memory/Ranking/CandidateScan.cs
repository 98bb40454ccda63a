namespace Checkpoint.Memory;

/// <summary>
/// <c>SearchCoreAsync</c> for backends without a search engine (in memory, markdown files): filters
/// every stored memory, scores keywords with <see cref="Bm25"/> over the filtered items and vectors
/// with <see cref="VectorMath.Cosine"/>, and keeps what <see cref="CandidateQuery"/> asks for.
/// </summary>
public static class CandidateScan
{
    /// <summary>The candidates among <paramref name="memories"/> for <paramref name="query"/>.</summary>
    public static IReadOnlyList<MemoryCandidate> Select(IEnumerable<StoredMemory> memories, CandidateQuery query)
    {
        ArgumentNullException.ThrowIfNull(memories);
        ArgumentNullException.ThrowIfNull(query);
        var matching = memories.Where(memory => MemoryFilter.Matches(memory.Item, query.Search, query.Now)).ToList();
        if (!query.UseKeyword && !query.UseVector)
        {
            return matching.Select(memory => memory.Item).Order(Comparer<MemoryItem>.Create(HybridRanker.NewestFirst)).Take(query.CandidateLimit)
                .Select(item => new MemoryCandidate(item, null, null)).ToList();
        }

        var keyword = query.UseKeyword
            ? Bm25.Score(matching.Select(memory => KeywordText.Of(memory.Item)).ToList(), query.QueryText)
            : new double[matching.Count];
        var vector = matching.Select(memory => query.UseVector && memory.Embedding is { } embedding && query.QueryVector is { } target
            ? VectorMath.Cosine(embedding.Span, target.Span)
            : (double?)null).ToList();
        var all = matching.Select((memory, i) => new MemoryCandidate(memory.Item, keyword[i] > 0 ? keyword[i] : null, vector[i])).ToList();

        var byKeyword = Best(all.Where(c => c.KeywordScore is not null), c => c.KeywordScore!.Value, query.CandidateLimit);
        var byVector = Best(all.Where(c => c.VectorSimilarity is not null), c => c.VectorSimilarity!.Value, query.CandidateLimit);
        return byKeyword.Union(byVector).ToList();
    }

    private static IEnumerable<MemoryCandidate> Best(IEnumerable<MemoryCandidate> candidates, Func<MemoryCandidate, double> score, int limit) =>
        candidates.OrderByDescending(score).ThenBy(c => c.Item, Comparer<MemoryItem>.Create(HybridRanker.ByIdentity)).Take(limit);
}
