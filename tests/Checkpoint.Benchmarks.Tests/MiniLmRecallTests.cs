using Checkpoint.Benchmarks.Recall;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory;
using Checkpoint.Memory.MiniLM;

namespace Checkpoint.Benchmarks.Tests;

/// <summary>The labelled recall set with the real MiniLM model and the default ranking: the quality claims of the README.</summary>
public sealed class MiniLmRecallTests
{
    [Fact]
    public async Task Hybrid_recall_at_5_is_at_least_the_better_single_mode_on_every_tag()
    {
        using var minilm = new MiniLmEmbeddingGenerator();

        var scores = await StoreRecall.MeasureAsync(MemoryRecallSet.Load(), minilm, new RankingOptions());

        var keyword = scores.Keyword.ByTag(s => s.RecallAt5);
        var vector = scores.Vector.ByTag(s => s.RecallAt5);
        var hybrid = scores.Hybrid.ByTag(s => s.RecallAt5);
        foreach (var tag in new[] { "all", "keyword", "meaning", "both" })
        {
            Assert.True(hybrid[tag] >= Math.Max(keyword[tag], vector[tag]),
                $"{tag}: hybrid {hybrid[tag]:F3} < keyword {keyword[tag]:F3} / vector {vector[tag]:F3}");
        }

        // The README's figures (recall-2026-11-30T052055Z.jsonl): 0.628 / 0.936 / 0.966.
        Assert.Equal(0.966, hybrid["all"], 3);
        Assert.Equal(0.936, vector["all"], 3);
        Assert.Equal(0.628, keyword["all"], 3);
    }
}
