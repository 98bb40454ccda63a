using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory;
using Checkpoint.Memory.MiniLM;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>
/// <c>recall</c>: the real store (<see cref="StoreRecall"/>, MiniLM embeddings, default
/// <see cref="RankingOptions"/>) on benchmarks/data/memory-recall.json in Keyword, Vector and Hybrid mode.
/// Prints recall@5 and hit@1 overall and per tag, for all queries and for the held-out (odd-id) half, and
/// the embedding throughput, then appends one JSON line to benchmarks/results/recall-&lt;utc time&gt;.jsonl
/// (or --out). <c>--sweep</c> also runs <see cref="RecallSweep"/>. (Vector mode over the whole set is plain
/// MiniLM cosine and Keyword mode is the store's BM25, so no separate baselines are computed.)
/// </summary>
public static class RecallCommand
{
    public const string Usage = "recall [--data memory-recall.json] [--out results.jsonl] [--batch 32] [--sweep]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? data = null, outPath = null;
        var batch = 32;
        var sweep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length: data = args[++i]; break;
                case "--out" when i + 1 < args.Length: outPath = args[++i]; break;
                case "--batch" when i + 1 < args.Length: batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--sweep": sweep = true; break;
                default:
                    await error.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
                    return 1;
            }
        }

        var set = MemoryRecallSet.Load(data);
        var factTexts = set.Facts.Select(f => f.Text).ToArray();
        using var minilm = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { BatchSize = batch });
        var itemsPerSecond = await EmbedThroughputAsync(minilm, factTexts, batch).ConfigureAwait(false);

        // Every text is embedded once; the store and the sweep's stores reuse the vectors.
        using var embeddings = new MemoizingEmbeddingGenerator(minilm);
        var ranking = new RankingOptions();
        var scores = await StoreRecall.MeasureAsync(set, embeddings, ranking).ConfigureAwait(false);
        var heldOut = scores.Where(id => !RecallMetrics.IsTuningHalf(id));

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"memory-recall: {set.Facts.Count} memories, {set.Queries.Count} queries, InMemoryMemoryStore + MiniLM, search over '{StoreRecall.Root}/', default RankingOptions ({Describe(ranking)})")).ConfigureAwait(false);
        await WriteTableAsync(output, "all queries", scores).ConfigureAwait(false);
        await WriteTableAsync(output, "held-out half", heldOut).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"queries per tag: {string.Join(", ", MemoryRecallSet.Tags.Select(t => $"{t} {scores.Hybrid.Count(t)}"))}; held-out (odd ids) {heldOut.Hybrid.Scores.Count}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"embed_items_per_s: {itemsPerSecond:F1} (median of 3 passes over {factTexts.Length} memories, batch {batch}, {Environment.ProcessorCount} cores)")).ConfigureAwait(false);

        var misses = scores.Hybrid.Scores
            .Where((s, i) => s.RecallAt5 < Math.Max(scores.Keyword.Scores[i].RecallAt5, scores.Vector.Scores[i].RecallAt5))
            .Select(s => s.Id).ToList();
        await output.WriteLineAsync($"hybrid below the better single mode on: {(misses.Count == 0 ? "none" : string.Join(", ", misses))}").ConfigureAwait(false);

        if (sweep)
        {
            await RecallSweep.RunAsync(set, embeddings, output).ConfigureAwait(false);
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["command"] = "recall",
            ["utc"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["store"] = "memory",
            ["facts"] = set.Facts.Count,
            ["queries"] = set.Queries.Count,
            ["k"] = RecallMetrics.K,
            ["ranking"] = Describe(ranking),
            ["recall5_keyword"] = scores.Keyword.ByTag(s => s.RecallAt5)["all"],
            ["recall5_vector"] = scores.Vector.ByTag(s => s.RecallAt5)["all"],
            ["recall5_hybrid"] = scores.Hybrid.ByTag(s => s.RecallAt5)["all"],
            ["recall5_keyword_by_tag"] = scores.Keyword.ByTag(s => s.RecallAt5),
            ["recall5_vector_by_tag"] = scores.Vector.ByTag(s => s.RecallAt5),
            ["recall5_hybrid_by_tag"] = scores.Hybrid.ByTag(s => s.RecallAt5),
            ["hit1_keyword_by_tag"] = scores.Keyword.ByTag(s => s.HitAt1),
            ["hit1_vector_by_tag"] = scores.Vector.ByTag(s => s.HitAt1),
            ["hit1_hybrid_by_tag"] = scores.Hybrid.ByTag(s => s.HitAt1),
            ["heldout_recall5_hybrid_by_tag"] = heldOut.Hybrid.ByTag(s => s.RecallAt5),
            ["heldout_hit1_hybrid_by_tag"] = heldOut.Hybrid.ByTag(s => s.HitAt1),
            ["embed_items_per_s"] = Math.Round(itemsPerSecond, 1),
            ["batch_size"] = batch,
            ["processor_count"] = Environment.ProcessorCount,
        });
        outPath ??= DefaultOutPath();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        await File.AppendAllTextAsync(outPath, line + Environment.NewLine).ConfigureAwait(false);
        await output.WriteLineAsync(line).ConfigureAwait(false);
        await output.WriteLineAsync("-> " + outPath).ConfigureAwait(false);
        return 0;
    }

    /// <summary>A short description of the fusion settings that matter here.</summary>
    public static string Describe(RankingOptions ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        var fusion = ranking.Fusion == FusionMethod.ReciprocalRank ? $"rrf k={ranking.ReciprocalRankK}" : "weighted-sum";
        var keyword = ranking.KeywordSaturation is { } c ? $"s/(s+{c})" : "s/max";
        var code = ranking.CodeKeywordWeight is { } w ? $", code-word keyword {w}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{fusion}, vector {ranking.VectorWeight}, keyword {ranking.KeywordWeight} ({keyword}){code}, pool {ranking.CandidatePoolSize}");
    }

    /// <summary>Writes recall@5 and hit@1 per mode.</summary>
    public static async Task WriteTableAsync(TextWriter output, string title, ModeScores scores)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(scores);
        await output.WriteLineAsync(TagScores.Header(title)).ConfigureAwait(false);
        foreach (var (name, mode) in new[] { ("keyword", scores.Keyword), ("vector", scores.Vector), ("hybrid", scores.Hybrid) })
        {
            await output.WriteLineAsync(mode.Row(name, "recall@5", s => s.RecallAt5)).ConfigureAwait(false);
            await output.WriteLineAsync(mode.Row(name, "hit@1", s => s.HitAt1)).ConfigureAwait(false);
        }
    }

    // Warm-up (first runs allocate ONNX buffers), then three timed passes over the facts; the median.
    private static async Task<double> EmbedThroughputAsync(MiniLmEmbeddingGenerator generator, string[] texts, int batch)
    {
        _ = await generator.GenerateAsync(texts.Take(batch * 2)).ConfigureAwait(false);
        var passes = new List<double>();
        for (var pass = 0; pass < 3; pass++)
        {
            var watch = Stopwatch.StartNew();
            _ = await generator.GenerateAsync(texts).ConfigureAwait(false);
            passes.Add(texts.Length / watch.Elapsed.TotalSeconds);
        }

        return passes.Order().ElementAt(1);
    }

    private static string DefaultOutPath()
    {
        var stamp = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checkpoint.sln")))
        {
            dir = dir.Parent;
        }

        var results = Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "benchmarks", "results");
        return Path.Combine(results, $"recall-{stamp}.jsonl");
    }
}
