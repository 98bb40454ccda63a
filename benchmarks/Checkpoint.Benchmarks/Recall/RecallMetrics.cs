namespace Checkpoint.Benchmarks.Recall;

/// <summary>Ranking helpers for the recall command.</summary>
public static class RecallMetrics
{
    /// <summary>Indices of the <paramref name="k"/> highest scores, best first (ties: lower index first).</summary>
    public static int[] TopK(IReadOnlyList<double> scores, int k) =>
        [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k)];

    /// <summary>Recall@k of one query: the share of its relevant ids found in the top k.</summary>
    public static double RecallAt(IReadOnlyList<string> rankedIds, IReadOnlyCollection<string> relevant) =>
        relevant.Count == 0 ? 0 : (double)relevant.Count(rankedIds.Contains) / relevant.Count;

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
