using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Deduplication on write and by sweep.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    private MemoryStoreOptions Dedup(DuplicateHandling exact, DuplicateHandling near) =>
        DefaultOptions with { Deduplication = new DeduplicationOptions { Exact = exact, Near = near } };

    [Fact]
    public async Task Without_deduplication_identical_texts_are_two_items()
    {
        await Store.PutAsync(Write("f", "k1", "Lives in Berlin."));
        await Store.PutAsync(Write("f", "k2", "Lives in Berlin."));

        Assert.NotNull(await Store.GetAsync(Ns("f"), "k1"));
        Assert.NotNull(await Store.GetAsync(Ns("f"), "k2"));
    }

    [Fact]
    public async Task An_exact_duplicate_merges_into_the_existing_item_with_the_newer_wording_and_the_union_of_fields()
    {
        var store = await NewStoreAsync(Dedup(DuplicateHandling.Merge, DuplicateHandling.Keep));
        await store.PutAsync(Write("f", "k1", "Lives in Berlin.") with
        {
            Metadata = new Dictionary<string, object> { ["source"] = "form", ["confidence"] = 0.5 },
            Entities = ["Berlin"],
            Importance = 0.7,
        });
        Clock.Advance(TimeSpan.FromMinutes(1));

        var merged = await store.PutAsync(Write("f", "k2", "lives in  berlin") with
        {
            Metadata = new Dictionary<string, object> { ["confidence"] = 0.9 },
            Entities = ["Germany"],
            Importance = 0.2,
        });

        Assert.Equal("k1", merged.Key);
        Assert.Equal(2, merged.Version);
        Assert.Equal("lives in  berlin", merged.Content);
        Assert.Equal("form", merged.Metadata["source"]);
        Assert.Equal(0.9, merged.Metadata["confidence"]);
        Assert.Equal(["Berlin", "Germany"], merged.Entities);
        Assert.Equal(0.7, merged.Importance);
        Assert.Null(await store.GetAsync(Ns("f"), "k2"));
        var last = (await store.GetHistoryAsync(Ns("f"), "k1"))[^1];
        Assert.Equal(MemoryChangeKind.Merge, last.Kind);
        Assert.Equal([new MemoryKey(Ns("f"), "k2")], last.Sources);
        Assert.Equal("Lives in Berlin.", last.OldContent);
    }

    [Fact]
    public async Task A_near_duplicate_merges_or_links_per_policy_and_a_distinct_fact_stays_apart()
    {
        var merging = await NewStoreAsync(Dedup(DuplicateHandling.Merge, DuplicateHandling.Merge));
        await merging.PutAsync(Write("p", "dog", "I love my puppy"));
        var merged = await merging.PutAsync(Write("p", "pet", "my dog is a great pet"));
        var apart = await merging.PutAsync(Write("p", "food", "pizza for dinner"));

        Assert.Equal("dog", merged.Key);
        Assert.Equal("my dog is a great pet", merged.Content);
        Assert.Equal("food", apart.Key);
        Assert.Contains("near duplicate", (await merging.GetHistoryAsync(Ns("p"), "dog"))[^1].Reason);

        var linking = await NewStoreAsync(Dedup(DuplicateHandling.Merge, DuplicateHandling.Link));
        await linking.PutAsync(Write("p", "dog", "I love my puppy"));
        var linked = await linking.PutAsync(Write("p", "pet", "my dog is a great pet"));

        Assert.Equal("pet", linked.Key);
        Assert.Equal("p:dog", linked.Metadata["duplicate_of"]);
        Assert.NotNull(await linking.GetAsync(Ns("p"), "dog"));
    }

    [Fact]
    public async Task Duplicates_never_merge_across_subjects_or_namespaces_and_an_update_of_a_key_is_not_a_duplicate()
    {
        var store = await NewStoreAsync(Dedup(DuplicateHandling.Merge, DuplicateHandling.Merge));
        await store.PutAsync(Write("u", "a", "likes tea") with { SubjectId = "ana" });
        var otherSubject = await store.PutAsync(Write("u", "b", "likes tea") with { SubjectId = "bo" });
        var otherNamespace = await store.PutAsync(Write("u/sub", "c", "likes tea") with { SubjectId = "ana" });
        var update = await store.PutAsync(Write("u", "b", "likes tea") with { SubjectId = "bo" });

        Assert.Equal("b", otherSubject.Key);
        Assert.Equal("c", otherNamespace.Key);
        Assert.Equal(("b", 2L), (update.Key, update.Version));
    }

    [Fact]
    public async Task A_sweep_merges_each_group_into_its_oldest_item_and_reports_it()
    {
        await Store.PutAsync(Write("s", "1", "Lives in Berlin.") with { Importance = 0.3 });
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.PutAsync(Write("s", "2", "lives in berlin") with { Importance = 0.8 });
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.PutAsync(Write("s", "3", "I love my puppy"));
        await Store.PutAsync(Write("s", "4", "my dog is a great pet"));
        await Store.PutAsync(Write("s", "5", "pizza for dinner"));
        await Store.PutAsync(Write("s/other", "6", "LIVES IN BERLIN"));

        var report = await Store.DeduplicateAsync(Ns("s"));

        Assert.Equal(6, report.Scanned);
        Assert.Equal(2, report.Merged);
        Assert.Equal(["1", "3"], report.Survivors.Select(item => item.Key).Order());
        var one = (await Store.GetAsync(Ns("s"), "1"))!;
        Assert.Equal(("lives in berlin", 0.8), (one.Content, one.Importance));
        Assert.Null(await Store.GetAsync(Ns("s"), "2"));
        Assert.Null(await Store.GetAsync(Ns("s"), "4"));
        Assert.NotNull(await Store.GetAsync(Ns("s/other"), "6"));
        Assert.Equal(MemoryChangeKind.Merge, (await Store.GetHistoryAsync(Ns("s"), "2"))[^1].Kind);
        Assert.Equal(0, (await Store.DeduplicateAsync(Ns("s"))).Merged);
    }
}
