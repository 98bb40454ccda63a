using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

public abstract partial class MemoryStoreConformanceTests
{
    private async Task PutFilterItemsAsync()
    {
        await PutAsync(
            Write("f", "a", "pizza one") with { Metadata = Meta(("n", 1), ("s", "apple"), ("b", true)), Kind = MemoryKind.LongTerm, SubjectId = "u1", Entities = ["Alice"] },
            Write("f", "b", "pizza two") with { Metadata = Meta(("n", 2.5), ("s", "banana"), ("b", false)), Kind = MemoryKind.Episodic, SubjectId = "u2", Entities = ["Bob"] },
            Write("f", "c", "pizza three") with { Metadata = Meta(("n", 3), ("s", "cherry")), Kind = MemoryKind.Semantic, SubjectId = "u1", Entities = ["Alice", "Bob"] },
            Write("f", "d", "pizza four") with { Metadata = Meta(("s", "10")) });
    }

    private static Dictionary<string, object> Meta(params (string Key, object Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static TheoryData<string, MetadataOperator, object, string> MetadataCases => new()
    {
        { "n", MetadataOperator.Eq, 1, "a" },
        { "n", MetadataOperator.Eq, 1.0, "a" },
        { "n", MetadataOperator.Eq, 2.5f, "b" },
        { "n", MetadataOperator.Ne, 1, "b,c,d" },
        { "n", MetadataOperator.Gt, 1, "b,c" },
        { "n", MetadataOperator.Gte, 2.5, "b,c" },
        { "n", MetadataOperator.Lt, 3L, "a,b" },
        { "n", MetadataOperator.Lte, 3, "a,b,c" },
        { "n", MetadataOperator.In, new object[] { 1, 3, "x" }, "a,c" },
        { "s", MetadataOperator.Eq, "banana", "b" },
        { "s", MetadataOperator.Gt, "apple", "b,c" },
        { "s", MetadataOperator.Lt, "b", "a,d" },
        { "s", MetadataOperator.Eq, 10, "" },
        { "s", MetadataOperator.In, new[] { "apple", "cherry", "it's" }, "a,c" },
        { "b", MetadataOperator.Eq, true, "a" },
        { "b", MetadataOperator.Ne, true, "b,c,d" },
        { "missing", MetadataOperator.Eq, "x", "" },
        { "missing", MetadataOperator.Ne, "x", "a,b,c,d" },
    };

    [Theory]
    [MemberData(nameof(MetadataCases))]
    public async Task Metadata_conditions_filter_with_every_operator(string key, MetadataOperator op, object value, string expected)
    {
        await PutFilterItemsAsync();
        var filter = new MetadataCondition(key, op, value);

        var withoutQuery = await KeysAsync(Search("f") with { Metadata = [filter] });
        var withQuery = await KeysAsync(Search("f", "pizza") with { Metadata = [filter] });

        var keys = expected.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(keys, withoutQuery.Order());
        Assert.Equal(keys, withQuery.Order());
    }

    [Fact]
    public async Task Kind_subject_and_entity_filters_combine()
    {
        await PutFilterItemsAsync();

        Assert.Equal(["b", "c"], (await KeysAsync(Search("f") with { Kinds = [MemoryKind.Episodic, MemoryKind.Semantic] })).Order());
        Assert.Equal(["a", "c"], (await KeysAsync(Search("f", "pizza") with { SubjectId = "u1" })).Order());
        Assert.Equal(["b", "c"], (await KeysAsync(Search("f", "pizza") with { Entity = "Bob" })).Order());
        Assert.Empty(await KeysAsync(Search("f") with { Entity = "bob" }));
        Assert.Equal(["c"], await KeysAsync(Search("f") with { Entity = "Alice", Kinds = [MemoryKind.Semantic], SubjectId = "u1" }));
        Assert.Equal(["a", "c"], (await KeysAsync(Search("f") with { Metadata = [MetadataCondition.In("s", "apple", "cherry")] })).Order());
    }

    [Fact]
    public async Task Time_filters_are_strict_bounds_on_created_and_updated()
    {
        var t0 = Clock.GetUtcNow();
        await PutAsync(Write("f", "a", "pizza"));
        Clock.Advance(TimeSpan.FromHours(1));
        var t1 = Clock.GetUtcNow();
        await PutAsync(Write("f", "b", "pizza"));
        Clock.Advance(TimeSpan.FromHours(1));
        var t2 = Clock.GetUtcNow();
        await PutAsync(Write("f", "a", "pizza again")); // created t0, updated t2

        Assert.Equal(["b"], await KeysAsync(Search("f") with { CreatedAfter = t0 }));
        Assert.Equal(["a"], await KeysAsync(Search("f") with { CreatedBefore = t1 }));
        Assert.Equal(["a"], await KeysAsync(Search("f", "pizza") with { UpdatedAfter = t1 }));
        Assert.Equal(["b"], await KeysAsync(Search("f") with { UpdatedBefore = t2 }));
        Assert.Equal(["a", "b"], (await KeysAsync(Search("f") with { CreatedAfter = t0.AddTicks(-1), UpdatedBefore = t2.AddTicks(1) })).Order());
    }
}
