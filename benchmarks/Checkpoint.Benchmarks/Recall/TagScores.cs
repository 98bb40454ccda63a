using System.Globalization;
using Checkpoint.Benchmarks.Workloads;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>One query's result: its id, tag, recall@5 and hit@1.</summary>
public sealed record QueryScore(string Id, string Tag, double RecallAt5, double HitAt1);

/// <summary>Per-query recall@5 and hit@1 of one ranker, averaged overall and per tag.</summary>
public sealed class TagScores
{
    private readonly List<QueryScore> _scores = [];

    /// <summary>The per-query results, in the order added.</summary>
    public IReadOnlyList<QueryScore> Scores => _scores;

    /// <summary>Scores <paramref name="top"/> (ids, best first) against the query's relevant ids.</summary>
    public void Add(MemoryRecallQuery query, IReadOnlyList<string> top)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(top);
        var recall = RecallMetrics.RecallAt([.. top.Take(RecallMetrics.K)], [.. query.Relevant]);
        var hit = top.Count > 0 && query.Relevant.Contains(top[0]) ? 1.0 : 0.0;
        _scores.Add(new QueryScore(query.Id, query.Tag, recall, hit));
    }

    /// <summary>The results of the queries whose id passes <paramref name="keep"/>.</summary>
    public TagScores Where(Func<string, bool> keep)
    {
        var subset = new TagScores();
        subset._scores.AddRange(_scores.Where(s => keep(s.Id)));
        return subset;
    }

    public int Count(string tag) => _scores.Count(s => s.Tag == tag);

    /// <summary>The metric averaged over all queries (<c>all</c>) and per tag, rounded to 3 places.</summary>
    public Dictionary<string, double> ByTag(Func<QueryScore, double> metric)
    {
        var result = new Dictionary<string, double> { ["all"] = Average(_scores, metric) };
        foreach (var tag in MemoryRecallSet.Tags)
        {
            result[tag] = Average(_scores.Where(s => s.Tag == tag).ToList(), metric);
        }

        return result;
    }

    public static string Header(string title) =>
        $"{title,-16} {"metric",-10} {"all",6} {"keyword",8} {"meaning",8} {"both",6}";

    public string Row(string ranker, string metricName, Func<QueryScore, double> metric)
    {
        var v = ByTag(metric);
        return string.Create(CultureInfo.InvariantCulture,
            $"{ranker,-16} {metricName,-10} {v["all"],6:F3} {v["keyword"],8:F3} {v["meaning"],8:F3} {v["both"],6:F3}");
    }

    private static double Average(IReadOnlyCollection<QueryScore> scores, Func<QueryScore, double> metric) =>
        scores.Count == 0 ? double.NaN : Math.Round(scores.Average(metric), 3);
}
