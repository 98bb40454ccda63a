using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

public abstract partial class MemoryStoreConformanceTests
{
    [Fact]
    public async Task Search_under_a_prefix_never_returns_a_sibling_whose_label_starts_alike()
    {
        await PutAsync(Write("users/4", "a", "pizza fan"), Write("users/42", "b", "pizza fan"), Write("users/4/facts", "c", "pizza fan"));

        Assert.Equal(["a", "c"], (await KeysAsync(Search("users/4", "pizza"))).Order());
        Assert.Equal(["a", "c"], (await KeysAsync(Search("users/4"))).Order());
        Assert.Equal(["b"], await KeysAsync(Search("users/42", "pizza")));
        Assert.Equal(["c"], await KeysAsync(Search("users/4/facts", "pizza", SearchMode.Vector)));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("\"unbalanced")]
    [InlineData("*")]
    [InlineData("NEAR(a b)")]
    [InlineData("-pizza")]
    [InlineData("pizza OR 1=1")]
    [InlineData("100%")]
    [InlineData("_")]
    [InlineData("') ; DROP TABLE memories; --")]
    [InlineData("AND")]
    public async Task Query_text_with_sql_and_fts_syntax_is_data(string query)
    {
        await PutAsync(Write("a", "pizza", "pizza on fridays"), Write("a", "odd", $"the text {query} appears here"));

        foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Hybrid, SearchMode.Vector })
        {
            var hits = await Store.SearchAsync(Search("a", query, mode));
            Assert.All(hits, hit => Assert.InRange(hit.Score, 0, 1));
        }
    }

    [Fact]
    public async Task Keyword_mode_finds_exact_codes_and_only_matching_items()
    {
        await PutAsync(
            Write("t", "a", "Ticket CK-1432 is about the login page crash."),
            Write("t", "b", "Ticket CK-1433 concerns billing."),
            Write("t", "c", "The developer loves programming in Python."));

        var hits = await Store.SearchAsync(Search("t", "CK-1432", SearchMode.Keyword));

        Assert.Equal("a", hits[0].Item.Key);
        Assert.DoesNotContain(hits, hit => hit.Item.Key == "c");
        Assert.True(hits[0].Parts.Keyword!.Value.Raw > 0);
        Assert.Null(hits[0].Parts.Vector);
        Assert.Equal(1, hits[0].Parts.Keyword!.Value.Rank);
    }

    [Fact]
    public async Task Vector_mode_finds_by_meaning_without_shared_words()
    {
        await PutAsync(
            Write("u", "pet", "Has a puppy named Rex."),
            Write("u", "food", "Vegetarian, loves pasta."),
            Write("u", "code", "Writes TypeScript at work."));

        Assert.Equal("pet", (await KeysAsync(Search("u", "which animal lives with them", SearchMode.Vector)))[0]);
        Assert.Equal("food", (await KeysAsync(Search("u", "what should we cook for dinner", SearchMode.Vector)))[0]);
        Assert.Empty(await KeysAsync(Search("u", "which animal lives with them", SearchMode.Keyword)));
    }

    [Fact]
    public async Task Hybrid_hits_carry_every_score_part()
    {
        await PutAsync(
            Write("u", "pet", "Has a puppy named Rex.") with { Importance = 0.9 },
            Write("u", "food", "Vegetarian, loves pasta."));
        Clock.Advance(TimeSpan.FromDays(30));

        var hits = await Store.SearchAsync(Search("u", "puppy Rex"));

        var top = hits[0];
        Assert.Equal("pet", top.Item.Key);
        Assert.Equal(FusionMethod.WeightedSum, top.Parts.Fusion);
        Assert.Equal(1, top.Parts.Vector!.Value.Rank);
        Assert.Equal(1, top.Parts.Keyword!.Value.Rank);
        var keywordRaw = top.Parts.Keyword!.Value.Raw;
        Assert.Equal(HybridRanker.NormalizeKeyword(keywordRaw, keywordRaw, Store.Options.Ranking.KeywordSaturation), top.Parts.Keyword!.Value.Normalized, 9);
        Assert.Equal(0.5, top.Parts.Recency.Raw, 9); // one half-life
        Assert.Equal(0.9, top.Parts.Importance.Raw);
        var sum = top.Parts.Vector!.Value.Contribution + top.Parts.Keyword!.Value.Contribution + top.Parts.Recency.Contribution + top.Parts.Importance.Contribution;
        Assert.Equal(top.Score, sum, 9);
        Assert.InRange(top.Score, 0, 1);
        Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
    }

    [Fact]
    public async Task Reciprocal_rank_fusion_is_available_and_scores_stay_in_range()
    {
        var store = await NewStoreAsync(DefaultOptions with { Ranking = new RankingOptions { Fusion = FusionMethod.ReciprocalRank } });
        await store.PutManyAsync([Write("u", "pet", "Has a puppy named Rex."), Write("u", "food", "Vegetarian, loves pasta.")]);

        var hits = await store.SearchAsync(Search("u", "puppy"));

        Assert.Equal("pet", hits[0].Item.Key);
        Assert.Equal(FusionMethod.ReciprocalRank, hits[0].Parts.Fusion);
        Assert.All(hits, hit => Assert.InRange(hit.Score, 0, 1));
    }

    [Fact]
    public async Task Without_an_embedding_generator_hybrid_is_keyword_recency_and_importance_and_vector_mode_is_refused()
    {
        var store = await NewStoreAsync(new MemoryStoreOptions { TimeProvider = Clock });
        await store.PutManyAsync([Write("u", "pet", "Has a puppy named Rex."), Write("u", "food", "Vegetarian, loves pasta.")]);

        var hit = Assert.Single(await store.SearchAsync(Search("u", "puppy")));
        Assert.Equal("pet", hit.Item.Key);
        Assert.Null(hit.Parts.Vector);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SearchAsync(Search("u", "puppy", SearchMode.Vector)));
        Assert.Contains("MemoryStoreOptions.Embeddings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_query_search_returns_filtered_items_newest_first()
    {
        await PutAsync(Write("a", "old", "x"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await PutAsync(Write("a", "mid", "y"), Write("a", "mid2", "y"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await PutAsync(Write("a", "new", "z"));

        Assert.Equal(["new", "mid", "mid2", "old"], await KeysAsync(Search("a")));
        Assert.Equal(["new", "mid", "mid2", "old"], await KeysAsync(Search("a", "   ")));
    }

    [Fact]
    public async Task Paging_is_stable_and_pages_join_into_the_full_ranking()
    {
        var writes = Enumerable.Range(0, 25).Select(i => Write("p", $"k{i:00}", i % 2 == 0 ? "pizza and pasta for dinner" : "pizza")).ToArray();
        await PutAsync(writes);

        var all = await KeysAsync(Search("p", "pizza dinner", limit: 25));
        var pages = new List<string>();
        for (var offset = 0; offset < 25; offset += 10)
        {
            pages.AddRange(await KeysAsync(Search("p", "pizza dinner") with { Offset = offset }));
        }

        Assert.Equal(25, all.Count);
        Assert.Equal(all, pages);
        Assert.Equal(all, await KeysAsync(Search("p", "pizza dinner", limit: 25)));
        Assert.Equal(all.Where(k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0).Order(), all.Take(13));
    }

    [Fact]
    public async Task A_generator_returning_the_wrong_size_is_an_error_naming_both_sizes()
    {
        var store = await NewStoreAsync(new MemoryStoreOptions { TimeProvider = Clock, Embeddings = new FixedSizeEmbeddingGenerator(5), Dimensions = 384 });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync(Write("a", "k", "text")));

        Assert.Contains("5", error.Message, StringComparison.Ordinal);
        Assert.Contains("384", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(Ns("a"), "k"));
    }

    [Fact]
    public async Task Encrypted_store_round_trips_items_and_search()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var serializer = new Checkpoint.Serialization.CheckpointSerializer(new Checkpoint.Serialization.SerializerOptions { EncryptionKey = key });
        if (!SupportsEncryption)
        {
            // A plaintext backend (markdown files) must refuse the key rather than store secrets in clear.
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => NewStoreAsync(DefaultOptions with { Serializer = serializer }));
            Assert.Contains("encrypt", refused.Message, StringComparison.OrdinalIgnoreCase);
            return;
        }

        var store = await NewStoreAsync(DefaultOptions with { Serializer = serializer });

        await store.PutAsync(Write("secret", "k", "The vault code is CK-1432.").WithValue(new Preference("go", 2, ["x"])));

        var read = await store.GetAsync(Ns("secret"), "k");
        Assert.Equal("The vault code is CK-1432.", read!.Content);
        Assert.Equal("go", read.GetValue<Preference>()!.Language);
        Assert.Equal("k", Assert.Single(await store.SearchAsync(Search("secret", "CK-1432", SearchMode.Keyword))).Item.Key);
    }
}
