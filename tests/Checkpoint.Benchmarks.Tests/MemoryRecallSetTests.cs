using Checkpoint.Benchmarks.Recall;
using Checkpoint.Benchmarks.Workloads;

namespace Checkpoint.Benchmarks.Tests;

public sealed class MemoryRecallSetTests
{
    private static readonly MemoryRecallSet Set = MemoryRecallSet.Load();

    [Fact]
    public void Has_at_least_200_memories_with_unique_ids_namespaces_and_kinds()
    {
        Assert.True(Set.Facts.Count >= 200, $"{Set.Facts.Count} memories");
        Assert.Equal(Set.Facts.Count, Set.Facts.Select(f => f.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Set.Facts, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Text), f.Id);
            Assert.Matches("^[a-z0-9-]+(/[a-z0-9-]+)+$", f.Namespace);
            Assert.Contains(f.Kind, new[] { "fact", "episodic", "semantic" });
        });
        Assert.True(Set.Facts.Select(f => f.Namespace).Distinct().Count() >= 5);
    }

    [Fact]
    public void Has_at_least_100_queries_with_unique_ids_known_tags_and_existing_relevant_memories()
    {
        var factIds = Set.Facts.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);

        Assert.True(Set.Queries.Count >= 100, $"{Set.Queries.Count} queries");
        Assert.Equal(Set.Queries.Count, Set.Queries.Select(q => q.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Set.Queries, q =>
        {
            Assert.False(string.IsNullOrWhiteSpace(q.Text), q.Id);
            Assert.Contains(q.Tag, MemoryRecallSet.Tags);
            Assert.NotEmpty(q.Relevant);
            Assert.All(q.Relevant, id => Assert.True(factIds.Contains(id), $"{q.Id} names unknown memory {id}"));
            Assert.Equal(q.Relevant.Count, q.Relevant.Distinct(StringComparer.Ordinal).Count());
        });
        Assert.Equal(Set.Queries.Count, Set.Queries.Select(q => q.Text).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("keyword", 30)]
    [InlineData("meaning", 30)]
    [InlineData("both", 1)]
    public void Each_tag_has_its_minimum(string tag, int minimum)
    {
        Assert.True(Set.Queries.Count(q => q.Tag == tag) >= minimum, tag);
    }

    [Fact]
    public void A_keyword_query_shares_a_token_with_each_of_its_memories()
    {
        var facts = Set.Facts.ToDictionary(f => f.Id, StringComparer.Ordinal);
        Assert.All(Set.Queries.Where(q => q.Tag == "keyword"), q =>
        {
            var queryTokens = Bm25Index.Tokenize(q.Text).ToHashSet(StringComparer.Ordinal);
            Assert.All(q.Relevant, id => Assert.True(Bm25Index.Tokenize(facts[id].Text).Any(queryTokens.Contains), $"{q.Id} / {id}"));
        });
    }

    [Fact]
    public void Bm25_ranks_an_exact_code_first_and_ignores_stop_words()
    {
        var index = new Bm25Index();
        index.Add("CK-1432: duplicate charges when a payment is retried");
        index.Add("CK-1423: the confirmation email shows the wrong currency");
        index.Add("the the the of and");

        var scores = index.Score("what is CK-1432");

        Assert.Equal(0, RecallMetrics.TopK(scores, 1)[0]);
        Assert.Equal(0, index.Score("the of and")[2]);
        Assert.Equal(["ck", "1432", "v3", "2", "1"], Bm25Index.Tokenize("The CK-1432 in v3.2.1"));
    }
}
