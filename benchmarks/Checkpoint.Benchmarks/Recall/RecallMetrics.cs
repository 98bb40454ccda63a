namespace Checkpoint.Benchmarks.Recall;

/// <summary>Ranking helpers for the recall command.</summary>
public static class RecallMetrics
{
    /// <summary>The cut-off of recall@k.</summary>
    public const int K = 5;

    /// <summary>Indices of the <paramref name="k"/> highest scores, best first (ties: lower index first).</summary>
    public static int[] TopK(IReadOnlyList<double> scores, int k) =>
        [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k)];

    /// <summary>Recall@k of one query: the share of its relevant ids found in the top k.</summary>
    public static double RecallAt(IReadOnlyList<string> rankedIds, IReadOnlyCollection<string> relevant) =>
        relevant.Count == 0 ? 0 : (double)relevant.Count(rankedIds.Contains) / relevant.Count;

    /// <summary>True for the tuning half of the queries: those whose id ends in an even number (<c>q-k02</c>).</summary>
    public static bool IsTuningHalf(string queryId)
    {
        ArgumentNullException.ThrowIfNull(queryId);
        var digits = queryId.Length - queryId.AsSpan().TrimEnd("0123456789").Length;
        return digits > 0 && (queryId[^1] - '0') % 2 == 0;
    }
}
