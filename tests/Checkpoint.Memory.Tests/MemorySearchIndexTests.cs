using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Memory.Tests;

/// <summary><see cref="MemorySearchIndex"/> against a brute-force reference: BM25 over every live item, cosine, top k.</summary>
public sealed class MemorySearchIndexTests
{
    private static readonly string[] Words = ["python", "java", "dog", "cat", "the", "sushi", "ck", "1432"];
    private static readonly string[] Namespaces = ["a/", "a/b/", "a/bc/", "c/", "c/d/e/"];

    private sealed record Doc(long Id, string Namespace, string Key, string Text, float[]? Vector);

    private static Gen<string> TextGen(int maxWords) =>
        Gen.Choose(0, maxWords).SelectMany(n => Gen.ArrayOf(Gen.Elements(Words), n)).Select(words => string.Join(' ', words));

    private static readonly Gen<float[]?> VectorGen =
        Gen.OneOf(Gen.Constant<float[]?>(null), Gen.ArrayOf(Gen.Choose(-3, 3).Select(i => (float)i), 4).Select(v => (float[]?)v));

    private static Gen<Doc> DocGen(long id) =>
        from ns in Gen.Elements(Namespaces)
        from key in Gen.Elements("k1", "k2", "k3", "k4")
        from text in TextGen(8)
        from vector in VectorGen
        select new Doc(id, ns, key + "-" + id, text, vector);

    // Items written, some then replaced (same id, new text) or removed: the index must forget the old slot.
    private static readonly Gen<(List<Doc> Written, List<Doc> Replacements, List<long> Removed)> HistoryGen =
        from count in Gen.Choose(1, 40)
        from written in Gen.CollectToSequence(Enumerable.Range(0, count), i => DocGen(i))
        from replaced in Gen.SubListOf(written.ToArray())
        from replacements in Gen.CollectToSequence(replaced, doc => DocGen(doc.Id))
        from removed in Gen.SubListOf(written.Select(doc => doc.Id).ToArray())
        select (written.ToList(), replacements.ToList(), removed.ToList());

    private static readonly Gen<(string? Prefix, string? Text, float[]? Vector, int Limit)> QueryGen =
        from prefix in Gen.Elements<string?>(null, "", "a/", "a/b/", "c/", "c/d/", "x/")
        from text in Gen.OneOf(Gen.Constant<string?>(null), TextGen(4).Select(t => (string?)t))
        from vector in VectorGen
        from limit in Gen.Choose(0, 12)
        select (prefix, text, vector, limit);

    [Fact]
    public void Property_the_index_finds_what_a_scan_of_every_live_item_finds()
    {
        Prop.ForAll(Gen.Zip(HistoryGen, QueryGen).ToArbitrary(), pair =>
        {
            var ((written, replacements, removed), (prefix, text, vector, limit)) = pair;
            using var index = new MemorySearchIndex();
            index.SetMany(written.Select(Entry));
            foreach (var doc in replacements)
            {
                index.Set(Entry(doc));
            }

            foreach (var id in removed)
            {
                _ = index.Remove(id);
            }

            var live = written.Select(doc => replacements.LastOrDefault(r => r.Id == doc.Id) ?? doc).Where(doc => !removed.Contains(doc.Id)).ToList();
            var expected = Reference(live, prefix, text, vector, limit);
            var actual = index.Search(prefix, text, vector, limit);
            return Same(expected.ByKeyword, actual.ByKeyword) && Same(expected.ByVector, actual.ByVector) && index.Count == live.Count;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_small_namespace_is_scored_like_the_whole_index_would_score_it()
    {
        // 1 item in "small/" among 200: the slot-by-slot path; the same item found from the root goes through the postings.
        using var index = new MemorySearchIndex();
        index.SetMany(Enumerable.Range(0, 200).Select(i => new IndexedMemory(i, "big/", $"k{i}", i % 2 == 0 ? "python dog" : "java cat", null)));
        index.Set(new IndexedMemory(1000, "small/", "mine", "python sushi", null));

        var small = Assert.Single(index.Search("small/", "python sushi", null, 10).ByKeyword);
        var fromRoot = index.Search(null, "sushi python", null, 300).ByKeyword.Single(hit => hit.Id == 1000);

        Assert.Equal(fromRoot.KeywordScore, small.KeywordScore);
        Assert.Equal(fromRoot, index.Search(null, "sushi python", null, 1).ByKeyword[0]);
    }

    [Fact]
    public void Replacing_every_item_many_times_compacts_and_keeps_results_exact()
    {
        using var index = new MemorySearchIndex();
        var docs = Enumerable.Range(0, 1500).Select(i => new Doc(i, $"n{i % 7}/", $"k{i}", i % 3 == 0 ? "python dog" : "java", [i % 5, 1, 0, i % 2])).ToList();
        for (var round = 0; round < 3; round++)
        {
            index.SetMany(docs.Select(Entry));
        }

        var expected = Reference(docs, "n3/", "python", [1, 1, 0, 0], 20);
        var actual = index.Search("n3/", "python", new float[] { 1, 1, 0, 0 }, 20);

        Assert.Equal(1500, index.Count);
        Assert.True(Same(expected.ByKeyword, actual.ByKeyword));
        Assert.True(Same(expected.ByVector, actual.ByVector));
    }

    [Fact]
    public void Over_many_items_the_int8_shortlist_returns_the_exact_top_10()
    {
        // 8,000 random 64-dim vectors: past the size where the index shortlists through int8 copies.
        var random = new Random(7);
        float[] RandomVector() => Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var docs = Enumerable.Range(0, 8000).Select(i => new Doc(i, $"n{i % 3}/", $"k{i}", "", RandomVector())).ToList();
        using var index = new MemorySearchIndex();
        index.SetMany(docs.Select(Entry));

        var exactQueries = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = RandomVector();
            var expected = Reference(docs, null, null, query, 10).ByVector;
            exactQueries += Same(expected, index.Search(null, null, query, 10).ByVector) ? 1 : 0;
        }

        Assert.True(exactQueries >= 49, $"{exactQueries} of 50 queries got the exact top 10");
    }

    [Fact]
    public void Property_the_int8_dot_product_is_the_integer_dot_product()
    {
        Prop.ForAll(Gen.Choose(0, 100).SelectMany(n => Gen.Zip(Gen.ArrayOf(Gen.Choose(-127, 127), n), Gen.ArrayOf(Gen.Choose(-127, 127), n))).ToArbitrary(), pair =>
        {
            var left = pair.Item1.Select(i => (sbyte)i).ToArray();
            var right = pair.Item2.Select(i => (sbyte)i).ToArray();
            return Int8Vectors.Dot(left, right) == left.Zip(right).Sum(p => p.First * p.Second);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task A_search_during_a_reload_or_a_replacement_sees_every_item()
    {
        using var index = new MemorySearchIndex();
        var docs = Enumerable.Range(0, 100).Select(i => new IndexedMemory(i, $"n{i % 4}/", $"k{i}", "shared word", null)).ToList();
        index.ReplaceAll(docs);

        var writer = Task.Run(() =>
        {
            for (var round = 0; round < 200; round++)
            {
                index.ReplaceAll(docs);
                index.Update([round % 100], [docs[round % 100]]);
            }
        });
        var smallest = int.MaxValue;
        do
        {
            smallest = Math.Min(smallest, index.Search(null, "shared", null, 200).ByKeyword.Count);
        }
        while (!writer.IsCompleted);

        await writer;
        Assert.Equal(100, smallest);
    }

    [Fact]
    public void A_vector_of_another_size_leaves_the_item_without_a_vector()
    {
        using var index = new MemorySearchIndex();
        index.Set(new IndexedMemory(1, "a/", "x", "dog", new float[] { 1, 0 }));
        index.Set(new IndexedMemory(2, "a/", "y", "dog", new float[] { 1, 0, 0 }));

        Assert.Equal(2, index.Dimensions);
        Assert.Equal([1L], index.Search(null, null, new float[] { 1, 0 }, 10).ByVector.Select(hit => hit.Id));
        Assert.Empty(index.Search(null, null, new float[] { 1, 0, 0 }, 10).ByVector);
        Assert.Null(index.Search(null, "dog", new float[] { 1, 0 }, 10).ByKeyword.Single(hit => hit.Id == 2).VectorSimilarity);
    }

    private static IndexedMemory Entry(Doc doc) => new(doc.Id, doc.Namespace, doc.Key, doc.Text, doc.Vector);

    private static IndexResult Reference(List<Doc> live, string? prefix, string? text, float[]? vector, int limit)
    {
        var keyword = text is null ? new double[live.Count] : Bm25.Score(live.Select(doc => doc.Text).ToList(), text);
        var dimensions = live.FirstOrDefault(doc => doc.Vector is not null)?.Vector!.Length ?? 0;
        var useVector = vector is not null && vector.Length == dimensions;
        var inScope = live.Select((doc, i) => (doc, i)).Where(x => string.IsNullOrEmpty(prefix) || x.doc.Namespace.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        double? Cosine(Doc doc) => useVector && doc.Vector is { } v ? VectorMath.Cosine(v, vector) : null;
        var byKeyword = inScope.Where(x => keyword[x.i] > 0)
            .Select(x => new IndexHit(x.doc.Id, keyword[x.i], Cosine(x.doc))).ToList();
        var byVector = inScope.Where(x => Cosine(x.doc) is not null)
            .Select(x => new IndexHit(x.doc.Id, keyword[x.i] > 0 ? keyword[x.i] : null, Cosine(x.doc))).ToList();
        var identity = live.ToDictionary(doc => doc.Id, doc => doc.Namespace + "\u0000" + doc.Key);
        return new IndexResult(
            Top(byKeyword, hit => hit.KeywordScore!.Value, identity, limit),
            Top(byVector, hit => hit.VectorSimilarity!.Value, identity, limit));
    }

    private static List<IndexHit> Top(List<IndexHit> hits, Func<IndexHit, double> score, Dictionary<long, string> identity, int limit) =>
        hits.OrderByDescending(score).ThenBy(hit => identity[hit.Id], StringComparer.Ordinal).Take(limit).ToList();

    private static bool Same(IReadOnlyList<IndexHit> expected, IReadOnlyList<IndexHit> actual) =>
        expected.Count == actual.Count && expected.Zip(actual).All(p =>
            p.First.Id == p.Second.Id && Close(p.First.KeywordScore, p.Second.KeywordScore) && Close(p.First.VectorSimilarity, p.Second.VectorSimilarity));

    private static bool Close(double? a, double? b) => a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) < 1e-9;
}
