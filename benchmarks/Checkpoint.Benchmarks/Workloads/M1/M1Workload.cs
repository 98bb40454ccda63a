using System.Diagnostics;
using Checkpoint.Memory;

namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>
/// Workload M1 (issue 8): bulk-insert items (WORKLOADS.md message text, seeded unit vectors) with
/// <c>PutManyAsync</c>, then time top-k searches in each mode over the root and hybrid inside one namespace.
/// </summary>
public sealed class M1Workload(TextWriter progress, M1Settings settings, bool quick)
{
    /// <summary>The common root of every M1 namespace.</summary>
    public static MemoryNamespace Root { get; } = MemoryNamespace.Of("m1");

    private int NamespaceCount => Math.Clamp(settings.Namespaces, 1, Math.Max(1, settings.Items));

    /// <summary>Options for a store under test: the seeded generator, 384 dimensions, otherwise defaults.</summary>
    public static MemoryStoreOptions StoreOptions(SeededEmbeddingGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new MemoryStoreOptions { Embeddings = generator, Dimensions = generator.Dimensions };
    }

    /// <summary>Runs M1 on <paramref name="target"/> (made with <see cref="StoreOptions"/> on <paramref name="generator"/>) and closes it.</summary>
    public async Task<M1Result> RunAsync(M1Store target, SeededEmbeddingGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(generator);
        var store = target.Store;
        var insertSeconds = await InsertAsync(target).ConfigureAwait(false);
        var queries = MakeQueries(generator);

        // Warm-up: JIT, SQLite page cache, the vector index's first load.
        var warmUp = queries.Take(Math.Min(queries.Count, quick ? 5 : 20)).ToList();
        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword, SearchMode.Hybrid })
        {
            await TimeAsync(store, warmUp, q => Search(q, mode, Root)).ConfigureAwait(false);
        }

        await progress.WriteLineAsync($"M1 {target.Name}: {queries.Count} queries per mode, top {settings.TopK}").ConfigureAwait(false);
        var (vector, selfHits) = await TimeWithHitsAsync(store, queries, q => Search(q, SearchMode.Vector, Root)).ConfigureAwait(false);
        var keyword = await TimeAsync(store, queries, q => Search(q, SearchMode.Keyword, Root)).ConfigureAwait(false);
        var hybrid = await TimeAsync(store, queries, q => Search(q, SearchMode.Hybrid, Root)).ConfigureAwait(false);
        var inNamespace = await TimeAsync(store, queries, q => Search(q, SearchMode.Hybrid, q.Namespace)).ConfigureAwait(false);
        var bytes = await target.CloseAndMeasureAsync().ConfigureAwait(false);

        return new M1Result
        {
            Store = target.Name,
            Items = settings.Items,
            Namespaces = NamespaceCount,
            Queries = queries.Count,
            InsertItemsPerS = Math.Round(settings.Items / insertSeconds, 1),
            BytesPerItem = bytes is { } b ? Math.Round((double)b / settings.Items, 1) : null,
            VectorP50Ms = Percentile(vector, 0.50),
            KeywordP50Ms = Percentile(keyword, 0.50),
            HybridP50Ms = Percentile(hybrid, 0.50),
            HybridP99Ms = Percentile(hybrid, 0.99),
            HybridInNamespaceP50Ms = Percentile(inNamespace, 0.50),
            VectorSelfHit10 = Math.Round((double)selfHits / queries.Count, 3),
            Quick = quick,
        };
    }

    /// <summary>Item <paramref name="index"/>'s namespace: round-robin over the namespaces.</summary>
    public MemoryNamespace NamespaceOf(int index) => Root.Append($"ns{index % NamespaceCount:D4}");

    /// <summary>Item <paramref name="index"/>'s key.</summary>
    public static string KeyOf(int index) => $"item{index}";

    /// <summary>Item <paramref name="index"/>'s text: WORKLOADS.md message <paramref name="index"/> + 1.</summary>
    public static string TextOf(int index) => MessageText.For(index + 1);

    private async Task<double> InsertAsync(M1Store target)
    {
        var watch = Stopwatch.StartNew();
        var nextReport = settings.Items / 10;
        for (var start = 0; start < settings.Items; start += settings.Batch)
        {
            var count = Math.Min(settings.Batch, settings.Items - start);
            var writes = new MemoryWrite[count];
            for (var j = 0; j < count; j++)
            {
                var i = start + j;
                writes[j] = new MemoryWrite { Namespace = NamespaceOf(i), Key = KeyOf(i), Content = TextOf(i) };
            }

            await target.Store.PutManyAsync(writes).ConfigureAwait(false);
            if (start + count >= nextReport && settings.Items >= 10_000)
            {
                await progress.WriteLineAsync(
                    $"M1 {target.Name}: inserted {start + count:N0} / {settings.Items:N0} ({(start + count) / watch.Elapsed.TotalSeconds:F0} items/s)").ConfigureAwait(false);
                nextReport += settings.Items / 10;
            }
        }

        return watch.Elapsed.TotalSeconds;
    }

    private List<Query> MakeQueries(SeededEmbeddingGenerator generator)
    {
        var random = new Random(settings.Seed);
        var queries = new List<Query>(settings.Queries);
        for (var q = 0; q < settings.Queries; q++)
        {
            var index = random.Next(settings.Items);
            var text = TextOf(index);

            // Six whole words of the item's text (the last word may be cut at 200 characters).
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            var from = random.Next(Math.Max(1, words.Length - 6));
            var queryText = string.Join(' ', words.Skip(from).Take(6));
            var vector = generator.VectorOf(text);
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] += (float)(settings.Noise * SeededEmbeddingGenerator.Gaussian(random));
            }

            generator.Register(queryText, SeededEmbeddingGenerator.Normalize(vector));
            queries.Add(new Query(queryText, KeyOf(index), NamespaceOf(index)));
        }

        return queries;
    }

    private MemorySearch Search(Query query, SearchMode mode, MemoryNamespace prefix) =>
        new() { NamespacePrefix = prefix, Query = query.Text, Mode = mode, Limit = settings.TopK };

    private static async Task<List<double>> TimeAsync(MemoryStore store, IReadOnlyList<Query> queries, Func<Query, MemorySearch> search) =>
        (await TimeWithHitsAsync(store, queries, search).ConfigureAwait(false)).Ms;

    private static async Task<(List<double> Ms, int Hits)> TimeWithHitsAsync(MemoryStore store, IReadOnlyList<Query> queries, Func<Query, MemorySearch> search)
    {
        var times = new List<double>(queries.Count);
        var hits = 0;
        foreach (var query in queries)
        {
            var request = search(query);
            var started = Stopwatch.GetTimestamp();
            var found = await store.SearchAsync(request).ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (found.Any(h => h.Item.Key == query.Key && h.Item.Namespace == query.Namespace))
            {
                hits++;
            }
        }

        return (times, hits);
    }

    // Nearest rank: with 200 queries p99 is the second slowest.
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)], 3);
    }

    private sealed record Query(string Text, string Key, MemoryNamespace Namespace);
}
