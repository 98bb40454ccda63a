using Checkpoint.Benchmarks.Recall;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Tests;

public sealed class StoreRecallTests
{
    private static readonly MemoryRecallSet Set = MemoryRecallSet.Load();

    [Fact]
    public async Task Store_keyword_mode_finds_every_keyword_query_and_each_mode_scores_every_query()
    {
        // The keyword-tagged queries (codes, versions, rare names) and only the memories they name:
        // BM25 over the store must rank them all in the top 5, whatever the other memories are.
        var queries = Set.Queries.Where(q => q.Tag == "keyword").ToList();
        var relevant = queries.SelectMany(q => q.Relevant).ToHashSet(StringComparer.Ordinal);
        var subset = new MemoryRecallSet
        {
            Facts = [.. Set.Facts.Where(f => relevant.Contains(f.Id)).Concat(Set.Facts.Where(f => !relevant.Contains(f.Id)).Take(20))],
            Queries = queries,
        };
        using var generator = new HashingGenerator();

        var scores = await StoreRecall.MeasureAsync(subset, generator, new RankingOptions());

        Assert.All(new[] { scores.Keyword, scores.Vector, scores.Hybrid }, mode => Assert.Equal(queries.Count, mode.Scores.Count));
        Assert.Equal(1.0, scores.Keyword.ByTag(s => s.RecallAt5)["all"]);
        Assert.Equal(1.0, scores.Keyword.ByTag(s => s.HitAt1)["all"]);
    }

    [Fact]
    public void Tuning_half_is_the_even_ids_and_splits_every_tag()
    {
        Assert.True(RecallMetrics.IsTuningHalf("q-k02"));
        Assert.False(RecallMetrics.IsTuningHalf("q-m13"));
        foreach (var tag in MemoryRecallSet.Tags)
        {
            var ofTag = Set.Queries.Where(q => q.Tag == tag).ToList();
            var tuning = ofTag.Count(q => RecallMetrics.IsTuningHalf(q.Id));
            Assert.InRange(tuning, (ofTag.Count / 2) - 1, (ofTag.Count / 2) + 1);
        }
    }

    // A deterministic stand-in for MiniLM: letters hashed into 64 buckets (no model, fast).
    private sealed class HashingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<GeneratedEmbeddings<Embedding<float>>>([.. values.Select(Embed)]);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private static Embedding<float> Embed(string text)
        {
            var vector = new float[64];
            vector[0] = 1;
            foreach (var c in text.ToLowerInvariant().Where(char.IsLetterOrDigit))
            {
                vector[c % 64] += 1;
            }

            return new Embedding<float>(vector);
        }
    }
}
