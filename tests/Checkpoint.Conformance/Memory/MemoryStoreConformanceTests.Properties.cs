using Checkpoint.Memory;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Checkpoint.Conformance.Memory;

public abstract partial class MemoryStoreConformanceTests
{
    private static readonly string[] Labels = ["a", "ab", "b", "a b", "a%", "a_"];

    [Fact]
    public async Task Property_search_with_a_filter_equals_the_filter_applied_to_results_without_it()
    {
        var samples = Gen.Zip(Gen.ListOf(ItemGen()).Select(items => items.Take(20).ToList()), SearchGen()).Sample(25, 20);
        var sample = 0;
        foreach (var (items, filter) in samples)
        {
            var root = $"s{sample++}";
            var keys = new HashSet<string>();
            foreach (var (path, write, minutes) in items)
            {
                if (keys.Add($"{path}|{write.Key}"))
                {
                    Clock.Advance(TimeSpan.FromMinutes(minutes));
                    await Store.PutAsync(write with { Namespace = Ns($"{root}/{path}") });
                }
            }

            var search = filter with { NamespacePrefix = Ns($"{root}/{filter.NamespacePrefix}") };
            var everything = (await Store.SearchAsync(Search(root, limit: 1000))).Select(hit => hit.Item).ToList();
            var expected = everything.Where(item => MemoryFilter.Matches(item, search, Clock.GetUtcNow())).Select(Id).ToList();

            Assert.Equal(expected, (await Store.SearchAsync(search with { Limit = 1000 })).Select(hit => Id(hit.Item)));

            var unfilteredQuery = (await Store.SearchAsync(Search(root, "pizza pasta", limit: 1000))).Select(hit => hit.Item);
            var expectedQuery = unfilteredQuery.Where(item => MemoryFilter.Matches(item, search, Clock.GetUtcNow())).Select(Id).Order();
            Assert.Equal(expectedQuery, (await Store.SearchAsync(search with { Query = "pizza pasta", Limit = 1000 })).Select(hit => Id(hit.Item)).Order());
        }
    }

    [Fact]
    public async Task Property_prefix_search_and_listing_are_label_wise()
    {
        var pathGen = Gen.Choose(1, 3).SelectMany(depth => Gen.ArrayOf(Gen.Elements(Labels), depth));
        var samples = Gen.Zip(Gen.NonEmptyListOf(pathGen).Select(p => p.Take(12).ToList()), pathGen.Select(p => p.Take(2).ToArray())).Sample(25, 20);
        var sample = 0;
        foreach (var (paths, prefix) in samples)
        {
            var root = $"p{sample++}";
            var distinct = paths.Select(p => string.Join('/', p)).Distinct().ToList();
            await Store.PutManyAsync(distinct.Select(path => Write($"{root}/{path}", "k", "pizza")).ToList());

            var prefixNs = MemoryNamespace.Of([root, .. prefix]);
            var expected = distinct.Where(path => StartsWithLabels(path.Split('/'), prefix)).Select(path => $"{root}/{path}").Order(StringComparer.Ordinal).ToList();

            var found = (await Store.SearchAsync(new MemorySearch { NamespacePrefix = prefixNs, Limit = 1000 })).Select(hit => hit.Item.Namespace.ToString());
            Assert.Equal(expected, found.Order(StringComparer.Ordinal));
            var listed = await Store.ListNamespacesAsync(new NamespaceQuery { Prefix = prefixNs, Limit = 1000 });
            Assert.Equal(expected, listed.Select(ns => ns.ToString()).Order(StringComparer.Ordinal));
        }
    }

    private static bool StartsWithLabels(string[] labels, string[] prefix) =>
        labels.Length >= prefix.Length && labels.Take(prefix.Length).SequenceEqual(prefix, StringComparer.Ordinal);

    private static string Id(MemoryItem item) => $"{item.Namespace}|{item.Key}";

    private static Gen<(string Path, MemoryWrite Write, int Minutes)> ItemGen() =>
        from path in Gen.Elements("x", "x/y", "x/yz", "xy")
        from key in Gen.Elements("k1", "k2", "k3", "k4", "k5", "k6")
        from kind in Gen.Elements(MemoryKind.LongTerm, MemoryKind.Episodic, MemoryKind.Semantic)
        from subject in Gen.Elements<string?>(null, "u1", "u2")
        from entities in Gen.SubListOf(["Alice", "Bob"])
        from n in Gen.OneOf(Gen.Choose(0, 4).Select(i => (object)i), Gen.Elements<object>(1.5, 2.0, "2"))
        from s in Gen.Elements("p", "q", "r")
        from text in Gen.Elements("pizza", "pasta", "pizza and pasta", "salad")
        from minutes in Gen.Choose(0, 3)
        from importance in Gen.Elements(0.0, 0.5, 1.0)
        select (path, new MemoryWrite
        {
            Namespace = MemoryNamespace.Of("placeholder"),
            Key = key,
            Kind = kind,
            Content = text,
            SubjectId = subject,
            Entities = [.. entities],
            Importance = importance,
            Metadata = new Dictionary<string, object> { ["n"] = n, ["s"] = s },
        }, minutes);

    private static Gen<MemorySearch> SearchGen() =>
        from prefix in Gen.Elements("x", "x/y", "xy")
        from kinds in Gen.SubListOf([MemoryKind.LongTerm, MemoryKind.Episodic, MemoryKind.Semantic])
        from subject in Gen.Elements<string?>(null, "u1", "u2")
        from entity in Gen.Elements<string?>(null, "Alice", "Bob")
        from op in Gen.Elements(Enum.GetValues<MetadataOperator>())
        from key in Gen.Elements("n", "s", "none")
        from value in Gen.Elements<object>(2, 1.5, "q", true)
        from useCondition in Gen.Elements(true, false)
        from createdAfterMinutes in Gen.Elements<int?>(null, 5, 20)
        select new MemorySearch
        {
            NamespacePrefix = MemoryNamespace.Parse(prefix),
            Kinds = [.. kinds],
            SubjectId = subject,
            Entity = entity,
            Metadata = useCondition ? [new MetadataCondition(key, op, op == MetadataOperator.In ? new[] { value, "p" } : value)] : [],
            CreatedAfter = createdAfterMinutes is { } m ? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(m) : null,
        };
}
