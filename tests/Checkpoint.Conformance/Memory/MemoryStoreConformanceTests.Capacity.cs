using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Capacity limits: eviction order, groups, reports.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    [Fact]
    public async Task A_put_over_a_group_limit_evicts_the_least_relevant_items_of_that_group_only()
    {
        var store = await NewStoreAsync(DefaultOptions with { Capacity = [new CapacityLimit("users/*", 3)] });
        var events = new List<MemoryEvictionEventArgs>();
        store.Evicted += (_, e) => events.Add(e);
        await store.PutManyAsync(
        [
            Write("users/1/facts", "a", "likes tea") with { Importance = 0.9 },
            Write("users/1/facts", "b", "has a cat") with { Importance = 0.1 },
            Write("users/1/prefs", "c", "dark mode") with { Importance = 0.5 },
            Write("users/2/facts", "a", "likes coffee") with { Importance = 0.0 },
        ]);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await store.PutAsync(Write("users/1/facts", "d", "lives in Oslo") with { Importance = 0.2 });

        Assert.Null(await store.GetAsync(Ns("users/1/facts"), "b"));
        Assert.NotNull(await store.GetAsync(Ns("users/1/facts"), "d"));
        Assert.NotNull(await store.GetAsync(Ns("users/2/facts"), "a"));
        var evicted = Assert.Single(events);
        Assert.Equal(Ns("users/1"), evicted.Group);
        Assert.Equal(["b"], evicted.Evicted.Select(item => item.Key));
        var last = (await store.GetHistoryAsync(Ns("users/1/facts"), "b"))[^1];
        Assert.Equal(MemoryChangeKind.Evict, last.Kind);
        Assert.Equal("has a cat", last.OldContent);
    }

    [Fact]
    public async Task Faded_episodes_are_evicted_before_facts_of_the_same_importance()
    {
        var store = await NewStoreAsync(DefaultOptions with { Capacity = [new CapacityLimit("agent", 2)] });
        await store.PutAsync(Write("agent", "fact", "the API key rotates monthly"));
        await store.PutAsync(Write("agent", "episode", "deployed on Tuesday") with { Kind = MemoryKind.Episodic });
        Clock.Advance(TimeSpan.FromDays(60));

        await store.PutAsync(Write("agent", "new", "the build uses .NET 10"));

        Assert.Null(await store.GetAsync(Ns("agent"), "episode"));
        Assert.NotNull(await store.GetAsync(Ns("agent"), "fact"));
    }

    [Fact]
    public async Task Enforcing_capacity_brings_every_group_within_its_limit_and_reports_what_went()
    {
        var store = await NewStoreAsync(DefaultOptions with { Capacity = [new CapacityLimit("t/*", 2)] });

        // One batch is never evicted by its own put: it may overflow until the next enforcement.
        await store.PutManyAsync(
        [
            Write("t/x", "1", "one") with { Importance = 0.4 },
            Write("t/x", "2", "two") with { Importance = 0.3 },
            Write("t/x", "3", "three") with { Importance = 0.2 },
            Write("t/x", "4", "four") with { Importance = 0.1 },
            Write("t/y", "1", "alone"),
        ]);

        var evicted = await store.EnforceCapacityAsync();

        Assert.Equal(["4", "3"], evicted.Select(item => item.Key));
        Assert.Equal(2, (await store.SearchAsync(new MemorySearch { NamespacePrefix = Ns("t/x") })).Count);
        Assert.Empty(await store.EnforceCapacityAsync());
    }

    [Fact]
    public void Capacity_patterns_match_by_label_and_cut_to_their_depth()
    {
        var perUser = new CapacityLimit("users/*", 10);

        Assert.Equal(Ns("users/42"), perUser.GroupOf(Ns("users/42/facts")));
        Assert.Equal(Ns("users/42"), perUser.GroupOf(Ns("users/42")));
        Assert.Null(perUser.GroupOf(Ns("users")));
        Assert.Null(perUser.GroupOf(Ns("agents/42")));
        Assert.Throws<ArgumentException>(() => new CapacityLimit("users//x", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CapacityLimit("users", 0));
    }
}
