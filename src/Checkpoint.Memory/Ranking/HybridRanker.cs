namespace Checkpoint.Memory;

/// <summary>
/// Ranks a backend's candidates, the same way for every backend. Pure: the same candidates, options
/// and time give the same hits in the same order.
/// <para>Signals, each raw then normalized to 0..1:</para>
/// <list type="bullet">
/// <item>vector: cosine similarity, clamped to 0..1;</item>
/// <item>keyword: the backend's score s divided by the best keyword score among the candidates, or s / (s + c) with <see cref="RankingOptions.KeywordSaturation"/> c;</item>
/// <item>recency: 0.5^(age / half-life), age = now - <see cref="MemoryItem.UpdatedAt"/>;</item>
/// <item>importance: <see cref="MemoryItem.Importance"/>.</item>
/// </list>
/// <para>Each used signal also ranks the candidates (1 = best; equal values share a rank; 0 = not found by it).</para>
/// <para><see cref="FusionMethod.WeightedSum"/>: score = Σ wᵢ·normalizedᵢ / Σ wᵢ over the signals used.
/// <see cref="FusionMethod.ReciprocalRank"/>: score = (Σ wᵢ / (k + rankᵢ)) / (Σ wᵢ / (k + 1)), unfound signals adding 0.
/// Both are 0..1. Hits are ordered by score, then namespace, then key.</para>
/// </summary>
public static class HybridRanker
{
    /// <summary>
    /// Scores and orders <paramref name="candidates"/>; the vector and keyword signals count only when used.
    /// With <paramref name="query"/> holding a code-like word (<see cref="HasCodeWord"/>), the keyword weight is
    /// <see cref="RankingOptions.CodeKeywordWeight"/> when set.
    /// </summary>
    public static IReadOnlyList<MemoryHit> Rank(
        IReadOnlyList<MemoryCandidate> candidates, bool useVector, bool useKeyword, RankingOptions options, DateTimeOffset now, string? query = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CodeKeywordWeight is { } codeWeight && query is not null && HasCodeWord(query))
        {
            options = options with { KeywordWeight = codeWeight };
        }

        var count = candidates.Count;
        var vector = new double?[count];
        var keyword = new double?[count];
        var recency = new double[count];
        var importance = new double[count];
        for (var i = 0; i < count; i++)
        {
            var candidate = candidates[i];
            vector[i] = useVector ? candidate.VectorSimilarity : null;
            keyword[i] = useKeyword && candidate.KeywordScore is > 0 ? candidate.KeywordScore : null;
            recency[i] = Recency(candidate.Item.UpdatedAt, now, options.RecencyHalfLife);
            importance[i] = candidate.Item.Importance;
        }

        var bestKeyword = keyword.Max() ?? 0;
        var vectorRanks = Ranks(candidates, vector);
        var keywordRanks = Ranks(candidates, keyword);
        var recencyRanks = Ranks(candidates, recency.Select(r => (double?)r).ToArray());
        var importanceRanks = Ranks(candidates, importance.Select(r => (double?)r).ToArray());

        var totalWeight = options.RecencyWeight + options.ImportanceWeight
            + (useVector ? options.VectorWeight : 0) + (useKeyword ? options.KeywordWeight : 0);
        var reciprocal = options.Fusion == FusionMethod.ReciprocalRank;
        var scale = totalWeight <= 0 ? 0 : reciprocal ? (options.ReciprocalRankK + 1) / totalWeight : 1 / totalWeight;

        ScorePart Part(double raw, double normalized, int rank, double weight) => new(
            raw, normalized, rank, reciprocal ? (rank == 0 ? 0 : weight / (options.ReciprocalRankK + rank) * scale) : weight * normalized * scale);

        var hits = new List<MemoryHit>(count);
        for (var i = 0; i < count; i++)
        {
            ScorePart? vectorPart = useVector
                ? Part(vector[i] ?? 0, Math.Clamp(vector[i] ?? 0, 0, 1), vectorRanks[i], options.VectorWeight)
                : null;
            ScorePart? keywordPart = useKeyword
                ? Part(keyword[i] ?? 0, NormalizeKeyword(keyword[i] ?? 0, bestKeyword, options.KeywordSaturation), keywordRanks[i], options.KeywordWeight)
                : null;
            var recencyPart = Part(recency[i], recency[i], recencyRanks[i], options.RecencyWeight);
            var importancePart = Part(importance[i], importance[i], importanceRanks[i], options.ImportanceWeight);
            var relevance = MemoryRelevance.Of(candidates[i].Item, now, options.Decay);
            var score = relevance * ((vectorPart?.Contribution ?? 0) + (keywordPart?.Contribution ?? 0) + recencyPart.Contribution + importancePart.Contribution);
            hits.Add(new MemoryHit(
                candidates[i].Item,
                Math.Clamp(score, 0, 1),
                new ScoreParts(vectorPart, keywordPart, recencyPart, importancePart, options.Fusion) { Relevance = relevance }));
        }

        hits.Sort(static (a, b) => b.Score.CompareTo(a.Score) is var byScore and not 0 ? byScore : ByIdentity(a.Item, b.Item));
        return hits;
    }

    /// <summary>
    /// True when a <see cref="KeywordText"/> word of <paramref name="query"/> contains a digit: a ticket, id,
    /// version or code (<c>CK-1432</c>, <c>v3.2.1</c>, <c>E4012</c>), which embeddings blur and BM25 matches exactly.
    /// </summary>
    public static bool HasCodeWord(string query) => KeywordText.Tokenize(query).Any(word => word.Any(char.IsAsciiDigit));

    /// <summary>A keyword score on 0..1: s / (s + c) with a saturation c, else s / the best score.</summary>
    public static double NormalizeKeyword(double score, double bestScore, double? saturation)
    {
        if (score <= 0)
        {
            return 0;
        }

        return saturation is { } c && c > 0 ? score / (score + c) : bestScore > 0 ? Math.Min(1, score / bestScore) : 0;
    }

    /// <summary>0.5^(age / half-life); 1 for an item written now or in the future.</summary>
    public static double Recency(DateTimeOffset updatedAt, DateTimeOffset now, TimeSpan halfLife)
    {
        var age = now - updatedAt;
        return age <= TimeSpan.Zero || halfLife <= TimeSpan.Zero ? 1 : Math.Pow(0.5, age / halfLife);
    }

    /// <summary>Namespace order, then ordinal key order: how ties are broken.</summary>
    public static int ByIdentity(MemoryItem left, MemoryItem right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var byNamespace = left.Namespace.CompareTo(right.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(left.Key, right.Key);
    }

    /// <summary>Newest <see cref="MemoryItem.UpdatedAt"/> first, then <see cref="ByIdentity"/>: the order of a search without query text.</summary>
    public static int NewestFirst(MemoryItem left, MemoryItem right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var byTime = right.UpdatedAt.CompareTo(left.UpdatedAt);
        return byTime != 0 ? byTime : ByIdentity(left, right);
    }

    // 1-based competition ranks by value (highest first; equal values share the better rank); 0 where there is no value.
    private static int[] Ranks(IReadOnlyList<MemoryCandidate> candidates, double?[] values)
    {
        var order = Enumerable.Range(0, values.Length).Where(i => values[i] is not null).ToList();
        order.Sort((a, b) => values[b]!.Value.CompareTo(values[a]!.Value) is var byValue and not 0
            ? byValue
            : ByIdentity(candidates[a].Item, candidates[b].Item));
        var ranks = new int[values.Length];
        for (var position = 0; position < order.Count; position++)
        {
            // Equal values share a rank: otherwise a tie (items written in one batch have the same
            // recency) would hand reciprocal-rank points out by namespace and key order.
            var tied = position > 0 && values[order[position]] == values[order[position - 1]];
            ranks[order[position]] = tied ? ranks[order[position - 1]] : position + 1;
        }

        return ranks;
    }
}
