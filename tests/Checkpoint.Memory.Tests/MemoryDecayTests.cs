using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Memory.Tests;

/// <summary>Relevance decay with age, reinforcement by use, per kind and per namespace, and its effect on search order.</summary>
public sealed class MemoryDecayTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly MemoryNamespace Users = MemoryNamespace.Of("users", "42");

    private static MemoryItem Item(MemoryKind kind, double ageDays, long accesses = 0, MemoryNamespace? ns = null) => new()
    {
        Namespace = ns ?? Users,
        Key = "k",
        Content = "",
        Kind = kind,
        UpdatedAt = Start,
        AccessCount = accesses,
    };

    private static DateTimeOffset After(double days) => Start.AddDays(days);

    [Fact]
    public void Episodic_memories_halve_per_half_life_while_facts_and_knowledge_keep_their_relevance()
    {
        var options = new DecayOptions();

        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0), After(0), options));
        Assert.Equal(0.5, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0), After(30), options), 9);
        Assert.Equal(0.25, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0), After(60), options), 9);
        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.LongTerm, 0), After(3650), options));
        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.Semantic, 0), After(3650), options));
        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0), After(3650), DecayOptions.None));
    }

    [Fact]
    public void Each_retrieval_reinforces_up_to_the_cap()
    {
        var options = new DecayOptions();
        var at = After(60); // 0.25 unused

        Assert.Equal(0.25 * 1.2, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, accesses: 1), at, options), 9);
        Assert.Equal(0.25 * 2.0, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, accesses: 5), at, options), 9);
        Assert.Equal(0.25 * 2.0, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, accesses: 500), at, options), 9);
        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, accesses: 500), After(1), options)); // never above 1
    }

    [Fact]
    public void The_longest_matching_namespace_rule_wins_and_a_kind_rule_beats_an_any_kind_rule_at_the_same_depth()
    {
        var options = new DecayOptions
        {
            Namespaces =
            [
                new NamespaceDecay(MemoryNamespace.Of("users"), null, TimeSpan.FromDays(10)),
                new NamespaceDecay(MemoryNamespace.Of("users", "42"), null, null),
                new NamespaceDecay(MemoryNamespace.Of("users", "42"), MemoryKind.LongTerm, TimeSpan.FromDays(5)),
            ],
        };

        Assert.Equal(0.5, MemoryRelevance.Of(Item(MemoryKind.Semantic, 0, ns: MemoryNamespace.Of("users", "7")), After(10), options), 9);
        Assert.Equal(1, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, ns: MemoryNamespace.Of("users", "42", "log")), After(100), options));
        Assert.Equal(0.5, MemoryRelevance.Of(Item(MemoryKind.LongTerm, 0), After(5), options), 9);
        Assert.Equal(0.5, MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, ns: MemoryNamespace.Of("agents")), After(30), options), 9);
    }

    [Fact]
    public void Relevance_is_in_0_to_1_falls_with_age_and_rises_with_use() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(0, 5000), 4).ToArbitrary(),
            values =>
            {
                var (ageA, ageB, usesA, usesB) = (values[0], values[1], values[2] % 50, values[3] % 50);
                var options = new DecayOptions();
                double At(int hours, int uses) => MemoryRelevance.Of(Item(MemoryKind.Episodic, 0, uses), Start.AddHours(hours), options);
                var inRange = At(ageA, usesA) is >= 0 and <= 1;
                var byAge = At(Math.Min(ageA, ageB), usesA) >= At(Math.Max(ageA, ageB), usesA);
                var byUse = At(ageA, Math.Max(usesA, usesB)) >= At(ageA, Math.Min(usesA, usesB));
                return inRange && byAge && byUse;
            }).QuickCheckThrowOnFailure();

    [Fact]
    public async Task A_stale_episode_ranks_below_a_fresh_one_and_a_fact_of_the_same_age_does_not_fade()
    {
        var time = new FakeTimeProvider(Start);
        await using var store = new InMemoryMemoryStore(new MemoryStoreOptions { TimeProvider = time, RecordAccess = false });
        await store.PutAsync(new MemoryWrite { Namespace = Users, Key = "old-episode", Kind = MemoryKind.Episodic, Content = "deployed the billing service" });
        await store.PutAsync(new MemoryWrite { Namespace = Users, Key = "old-fact", Kind = MemoryKind.LongTerm, Content = "owns the billing service" });
        time.Advance(TimeSpan.FromDays(90));
        await store.PutAsync(new MemoryWrite { Namespace = Users, Key = "new-episode", Kind = MemoryKind.Episodic, Content = "deployed the billing service" });

        var hits = await store.SearchAsync(new MemorySearch { NamespacePrefix = Users, Query = "billing service" });

        var byKey = hits.ToDictionary(hit => hit.Item.Key);
        Assert.Equal(0.125, byKey["old-episode"].Parts.Relevance, 9);
        Assert.Equal(1, byKey["old-fact"].Parts.Relevance);
        Assert.Equal(1, byKey["new-episode"].Parts.Relevance);
        Assert.True(byKey["new-episode"].Score > byKey["old-episode"].Score * 4);
        Assert.Equal("old-episode", hits[^1].Item.Key);
    }
}
