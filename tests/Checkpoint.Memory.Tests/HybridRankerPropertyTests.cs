using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Memory.Tests;

public sealed class HybridRankerPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static Gen<MemoryCandidate> CandidateGen(int index) =>
        from keyword in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(1, 100).Select(i => (double?)(i / 10.0)))
        from vector in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(-100, 100).Select(i => (double?)(i / 100.0)))
        from ageHours in Gen.Choose(0, 2000)
        from importance in Gen.Choose(0, 10)
        select new MemoryCandidate(
            new MemoryItem
            {
                Namespace = MemoryNamespace.Of("n", (index % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Key = $"k{index}",
                Content = "",
                UpdatedAt = Now.AddHours(-ageHours),
                Importance = importance / 10.0,
            },
            keyword,
            vector);

    private static Gen<List<MemoryCandidate>> CandidatesGen() =>
        Gen.Choose(1, 12).SelectMany(n => Gen.CollectToSequence(Enumerable.Range(0, n), CandidateGen)).Select(c => c.ToList());

    private static readonly Gen<RankingOptions> OptionsGen =
        from fusion in Gen.Elements(FusionMethod.WeightedSum, FusionMethod.ReciprocalRank)
        from weights in Gen.ArrayOf(Gen.Choose(0, 10), 4)
        from saturation in Gen.OneOf(Gen.Constant<double?>(null), Gen.Choose(1, 40).Select(c => (double?)c))
        select new RankingOptions
        {
            Fusion = fusion,
            KeywordSaturation = saturation,
            VectorWeight = weights[0],
            KeywordWeight = weights[1],
            RecencyWeight = weights[2],
            ImportanceWeight = weights[3],
        };

    [Fact]
    public void Property_scores_are_in_0_1_and_sorted_with_ties_broken_by_namespace_and_key()
    {
        Prop.ForAll(Gen.Zip(CandidatesGen(), OptionsGen).ToArbitrary(), pair =>
        {
            var (candidates, options) = pair;
            var hits = HybridRanker.Rank(candidates, true, true, options, Now);
            var sorted = hits.Zip(hits.Skip(1)).All(p =>
                p.First.Score > p.Second.Score || (p.First.Score == p.Second.Score && HybridRanker.ByIdentity(p.First.Item, p.Second.Item) < 0));
            return hits.Count == candidates.Count && sorted && hits.All(h => h.Score is >= 0 and <= 1);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Property_ranking_is_deterministic_whatever_the_candidate_order()
    {
        Prop.ForAll(Gen.Zip(CandidatesGen(), OptionsGen).ToArbitrary(), pair =>
        {
            var (candidates, options) = pair;
            var forward = HybridRanker.Rank(candidates, true, true, options, Now);
            var backward = HybridRanker.Rank(candidates.AsEnumerable().Reverse().ToList(), true, true, options, Now);
            return forward.Select(h => (h.Item.Key, h.Score)).SequenceEqual(backward.Select(h => (h.Item.Key, h.Score)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Property_fusion_is_monotone_in_each_part()
    {
        var gen = from candidates in CandidatesGen()
                  from options in OptionsGen
                  from part in Gen.Choose(0, 3)
                  from raise in Gen.Choose(1, 50)
                  select (candidates, options, part, raise / 100.0);
        Prop.ForAll(gen.ToArbitrary(), sample =>
        {
            var (candidates, options, part, raise) = sample;
            var target = candidates[0];
            var item = target.Item;
            var raised = part switch
            {
                0 => target with { KeywordScore = (target.KeywordScore ?? 0) + raise },
                1 => target with { VectorSimilarity = Math.Min(1, (target.VectorSimilarity ?? -1) + raise) },
                2 => target with { Item = item with { UpdatedAt = item.UpdatedAt.AddHours(raise * 100) } },
                _ => target with { Item = item with { Importance = Math.Min(1, item.Importance + raise) } },
            };
            double ScoreOf(IReadOnlyList<MemoryCandidate> list) =>
                HybridRanker.Rank(list, true, true, options, Now).Single(h => h.Item.Key == item.Key).Score;
            var before = ScoreOf(candidates);
            var after = ScoreOf([raised, .. candidates.Skip(1)]);
            return after >= before - 1e-12;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Weighted_sum_is_the_weighted_mean_of_the_normalized_parts()
    {
        var item = new MemoryItem { Namespace = MemoryNamespace.Of("n"), Key = "k", Content = "", UpdatedAt = Now.AddDays(-30), Importance = 0.4 };
        var other = item with { Key = "l", Importance = 0 };
        var hits = HybridRanker.Rank([new MemoryCandidate(item, 2, 0.8), new MemoryCandidate(other, 4, null)], true, true, new RankingOptions { VectorWeight = 0.55, KeywordWeight = 0.30, KeywordSaturation = null }, Now);

        var hit = hits.Single(h => h.Item.Key == "k");
        Assert.Equal(0.5, hit.Parts.Keyword!.Value.Normalized, 9);
        Assert.Equal(2, hit.Parts.Keyword!.Value.Rank);
        Assert.Equal(1, hit.Parts.Vector!.Value.Rank);
        Assert.Equal(0, hits.Single(h => h.Item.Key == "l").Parts.Vector!.Value.Rank);
        Assert.Equal((0.55 * 0.8) + (0.30 * 0.5) + (0.10 * 0.5) + (0.05 * 0.4), hit.Score, 9);
    }

    [Fact]
    public void Equal_values_share_a_rank_so_ties_add_no_reciprocal_rank_points()
    {
        // Written in one batch: same recency and importance. Only the vector signal should separate them.
        var first = new MemoryItem { Namespace = MemoryNamespace.Of("a"), Key = "k", Content = "", UpdatedAt = Now, Importance = 0.5 };
        var second = first with { Namespace = MemoryNamespace.Of("b") };
        var options = new RankingOptions { Fusion = FusionMethod.ReciprocalRank, VectorWeight = 0, KeywordWeight = 0 };

        var hits = HybridRanker.Rank([new MemoryCandidate(first, null, 0.9), new MemoryCandidate(second, null, 0.1)], true, false, options, Now);

        Assert.Equal(1, hits[1].Parts.Recency.Rank);
        Assert.Equal(hits[0].Score, hits[1].Score, 12);
    }

    [Fact]
    public void Saturating_keyword_normalization_is_absolute()
    {
        Assert.Equal(0.5, HybridRanker.NormalizeKeyword(10, 40, 10), 12);
        Assert.Equal(0.25, HybridRanker.NormalizeKeyword(10, 40, null), 12);
        Assert.Equal(0, HybridRanker.NormalizeKeyword(0, 40, 10));
    }

    [Fact]
    public void A_code_like_query_word_switches_to_the_code_keyword_weight()
    {
        Assert.True(HybridRanker.HasCodeWord("anything on CK-1377?"));
        Assert.True(HybridRanker.HasCodeWord("plans for 2.8.0"));
        Assert.False(HybridRanker.HasCodeWord("Who is Acme's CTO?"));
        var item = new MemoryItem { Namespace = MemoryNamespace.Of("n"), Key = "k", Content = "", UpdatedAt = Now, Importance = 0 };
        var options = new RankingOptions { VectorWeight = 1, KeywordWeight = 1, RecencyWeight = 0, ImportanceWeight = 0, KeywordSaturation = null, CodeKeywordWeight = 3 };
        MemoryCandidate[] candidates = [new(item, 2, 0.2)];

        Assert.Equal(0.6, HybridRanker.Rank(candidates, true, true, options, Now, "plain words").Single().Score, 9);
        Assert.Equal(0.8, HybridRanker.Rank(candidates, true, true, options, Now, "ticket CK-1377").Single().Score, 9);
    }

    [Fact]
    public void Reciprocal_rank_fusion_gives_1_to_an_item_first_by_every_signal()
    {
        var item = new MemoryItem { Namespace = MemoryNamespace.Of("n"), Key = "k", Content = "", UpdatedAt = Now, Importance = 1 };
        var other = item with { Key = "l", Importance = 0, UpdatedAt = Now.AddDays(-1) };
        var options = new RankingOptions { Fusion = FusionMethod.ReciprocalRank };

        var hits = HybridRanker.Rank([new MemoryCandidate(other, 1, 0.1), new MemoryCandidate(item, 3, 0.9)], true, true, options, Now);

        Assert.Equal("k", hits[0].Item.Key);
        Assert.Equal(1.0, hits[0].Score, 9);
        Assert.Equal(61.0 / 62.0, hits[1].Score, 9);
    }
}
