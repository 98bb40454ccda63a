using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory.MiniLM;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>
/// <c>recall</c>: MiniLM alone and BM25 alone on benchmarks/data/memory-recall.json. Each query is ranked
/// against every memory (all namespaces); prints recall@5 and hit@1 overall and per tag, and the embedding
/// throughput, then appends one JSON line to benchmarks/results/recall-&lt;utc time&gt;.jsonl (or --out).
/// </summary>
public static class RecallCommand
{
    public const string Usage = "recall [--data memory-recall.json] [--out results.jsonl] [--batch 32]";

    private const int K = 5;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? data = null, outPath = null;
        var batch = 32;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length: data = args[++i]; break;
                case "--out" when i + 1 < args.Length: outPath = args[++i]; break;
                case "--batch" when i + 1 < args.Length: batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    await error.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
                    return 1;
            }
        }

        var set = MemoryRecallSet.Load(data);
        var factTexts = set.Facts.Select(f => f.Text).ToArray();
        var factIds = set.Facts.Select(f => f.Id).ToArray();

        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { BatchSize = batch });

        // Warm-up (first runs allocate ONNX buffers), then time three full passes over the facts; keep the median.
        _ = await generator.GenerateAsync(factTexts.Take(batch * 2)).ConfigureAwait(false);
        var passes = new List<double>();
        GeneratedEmbeddings<Embedding<float>>? factEmbeddings = null;
        for (var pass = 0; pass < 3; pass++)
        {
            var watch = Stopwatch.StartNew();
            factEmbeddings = await generator.GenerateAsync(factTexts).ConfigureAwait(false);
            passes.Add(factTexts.Length / watch.Elapsed.TotalSeconds);
        }

        var itemsPerSecond = passes.Order().ElementAt(1);
        var queryEmbeddings = await generator.GenerateAsync(set.Queries.Select(q => q.Text)).ConfigureAwait(false);

        var bm25 = new Bm25Index();
        foreach (var text in factTexts)
        {
            bm25.Add(text);
        }

        var minilm = new TagScores();
        var keyword = new TagScores();
        for (var q = 0; q < set.Queries.Count; q++)
        {
            var query = set.Queries[q];
            var cosine = factEmbeddings!.Select(f => RecallMetrics.Dot(queryEmbeddings[q].Vector.Span, f.Vector.Span)).ToArray();
            minilm.Add(query, [.. RecallMetrics.TopK(cosine, K).Select(i => factIds[i])]);
            keyword.Add(query, [.. RecallMetrics.TopK(bm25.Score(query.Text), K).Select(i => factIds[i])]);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"memory-recall: {set.Facts.Count} memories, {set.Queries.Count} queries (ranked over all memories)")).ConfigureAwait(false);
        await output.WriteLineAsync($"{"ranker",-8} {"metric",-10} {"all",6} {"keyword",8} {"meaning",8} {"both",6}").ConfigureAwait(false);
        foreach (var (name, scores) in new[] { ("minilm", minilm), ("bm25", keyword) })
        {
            await output.WriteLineAsync(scores.Row(name, "recall@5", s => s.RecallAt5)).ConfigureAwait(false);
            await output.WriteLineAsync(scores.Row(name, "hit@1", s => s.HitAt1)).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"queries per tag: {string.Join(", ", MemoryRecallSet.Tags.Select(t => $"{t} {minilm.Count(t)}"))}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"embed_items_per_s: {itemsPerSecond:F1} (median of 3 passes over {factTexts.Length} memories, batch {batch}, {Environment.ProcessorCount} cores)")).ConfigureAwait(false);

        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["command"] = "recall",
            ["utc"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["facts"] = set.Facts.Count,
            ["queries"] = set.Queries.Count,
            ["k"] = K,
            ["minilm_recall_at_5"] = minilm.ByTag(s => s.RecallAt5),
            ["bm25_recall_at_5"] = keyword.ByTag(s => s.RecallAt5),
            ["minilm_hit_at_1"] = minilm.ByTag(s => s.HitAt1),
            ["bm25_hit_at_1"] = keyword.ByTag(s => s.HitAt1),
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

    private sealed record QueryScore(string Tag, double RecallAt5, double HitAt1);

    private sealed class TagScores
    {
        private readonly List<QueryScore> _scores = [];

        public void Add(MemoryRecallQuery query, string[] top)
        {
            var recall = RecallMetrics.RecallAt(top, [.. query.Relevant]);
            var hit = top.Length > 0 && query.Relevant.Contains(top[0]) ? 1.0 : 0.0;
            _scores.Add(new QueryScore(query.Tag, recall, hit));
        }

        public int Count(string tag) => _scores.Count(s => s.Tag == tag);

        public Dictionary<string, double> ByTag(Func<QueryScore, double> metric)
        {
            var result = new Dictionary<string, double> { ["all"] = Math.Round(_scores.Average(metric), 3) };
            foreach (var tag in MemoryRecallSet.Tags)
            {
                var ofTag = _scores.Where(s => s.Tag == tag).ToList();
                result[tag] = ofTag.Count == 0 ? double.NaN : Math.Round(ofTag.Average(metric), 3);
            }

            return result;
        }

        public string Row(string ranker, string metricName, Func<QueryScore, double> metric)
        {
            var v = ByTag(metric);
            return string.Create(CultureInfo.InvariantCulture,
                $"{ranker,-8} {metricName,-10} {v["all"],6:F3} {v["keyword"],8:F3} {v["meaning"],8:F3} {v["both"],6:F3}");
        }
    }
}
