using System.Globalization;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>
/// <c>recall --sweep</c>: a deterministic grid over the fusion settings (weighted sum and reciprocal rank,
/// keyword weight, keyword normalization, RRF k, candidate pool), tuned on the even-id half of the queries
/// and reported on the odd-id half and on all. A setting passes when, on the tuning half, hybrid recall@5 is
/// at least the better single mode's overall and within <see cref="Hair"/> of the best single mode on every tag.
/// </summary>
public static class RecallSweep
{
    /// <summary>How much worse than the best single mode a tag may be and still pass.</summary>
    public const double Hair = 0.02;

    private static readonly double[] KeywordShares = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50];
    private static readonly double?[] Saturations = [null, 5, 10, 20, 40, 80];
    private static readonly int[] RrfKs = [1, 5, 10, 20, 60];
    private static readonly int[] Pools = [100]; // 20 and 100 gave identical results on 212 memories
    private static readonly double[] CodeWeights = [0.5, 1, 2, 4];

    /// <summary>The grid: vector + keyword weights sum to 0.85, recency 0.10 and importance 0.05 as by default (they tie here).</summary>
    public static IEnumerable<RankingOptions> Grid()
    {
        foreach (var pool in Pools)
        {
            foreach (var share in KeywordShares)
            {
                var baseline = new RankingOptions { VectorWeight = Math.Round(0.85 - share, 2), KeywordWeight = share, CandidatePoolSize = pool };
                foreach (var saturation in Saturations)
                {
                    yield return baseline with { KeywordSaturation = saturation };
                }

                // The code-word rule, on the settings that pass without it.
                if (share == 0.25)
                {
                    foreach (var code in CodeWeights)
                    {
                        yield return baseline with { KeywordSaturation = 40, CodeKeywordWeight = code };
                    }
                }

                foreach (var k in RrfKs)
                {
                    yield return baseline with { Fusion = FusionMethod.ReciprocalRank, ReciprocalRankK = k };
                }
            }
        }
    }

    /// <summary>Runs the grid and prints the best passing settings with their tuning, held-out and overall numbers.</summary>
    public static async Task RunAsync(MemoryRecallSet set, IEmbeddingGenerator<string, Embedding<float>> embeddings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(output);
        var results = new List<(RankingOptions Options, ModeScores Scores)>();
        foreach (var options in Grid())
        {
            results.Add((options, await StoreRecall.MeasureAsync(set, embeddings, options).ConfigureAwait(false)));
        }

        var singles = results[0].Scores; // Keyword and Vector mode do not depend on the fusion settings.
        var ranked = results
            .Select(r => (r.Options, r.Scores, Tune: r.Scores.Where(RecallMetrics.IsTuningHalf)))
            .Select(r => (r.Options, r.Scores, r.Tune, Passes: Passes(r.Tune), Recall: Mean(r.Tune.Hybrid, s => s.RecallAt5), Hit: Mean(r.Tune.Hybrid, s => s.HitAt1)))
            .OrderByDescending(r => r.Passes).ThenByDescending(r => r.Recall).ThenByDescending(r => r.Hit)
            .ToList();

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"sweep: {results.Count} settings; {ranked.Count(r => r.Passes)} pass on the tuning half (even ids). Best 15 by tuning recall@5 then hit@1:")).ConfigureAwait(false);
        await output.WriteLineAsync("pass  setting                                                            | tune r@5 h@1 | held-out r@5 (kw/mean/both) h@1 | all r@5 (kw/mean/both) h@1").ConfigureAwait(false);
        foreach (var r in ranked.Take(15))
        {
            var held = r.Scores.Where(id => !RecallMetrics.IsTuningHalf(id)).Hybrid;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(r.Passes ? "yes" : "no"),-5} {RecallCommand.Describe(r.Options),-66} | {r.Recall:F3} {r.Hit:F3} | {Cell(held)} | {Cell(r.Scores.Hybrid)}")).ConfigureAwait(false);
        }

        await RecallCommand.WriteTableAsync(output, "singles, tune", singles.Where(RecallMetrics.IsTuningHalf)).ConfigureAwait(false);
    }

    private static bool Passes(ModeScores scores)
    {
        var hybrid = scores.Hybrid.ByTag(s => s.RecallAt5);
        var keyword = scores.Keyword.ByTag(s => s.RecallAt5);
        var vector = scores.Vector.ByTag(s => s.RecallAt5);
        return hybrid["all"] >= Math.Max(keyword["all"], vector["all"])
            && MemoryRecallSet.Tags.All(t => hybrid[t] >= Math.Max(keyword[t], vector[t]) - Hair);
    }

    private static double Mean(TagScores scores, Func<QueryScore, double> metric) => scores.ByTag(metric)["all"];

    private static string Cell(TagScores scores)
    {
        var r = scores.ByTag(s => s.RecallAt5);
        return string.Create(CultureInfo.InvariantCulture,
            $"{r["all"]:F3} ({r["keyword"]:F3}/{r["meaning"]:F3}/{r["both"]:F3}) {Mean(scores, s => s.HitAt1):F3}");
    }
}
