using System.Diagnostics;
using System.Numerics.Tensors;
using Checkpoint.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// M2-dedup (issue 10): the <see cref="M2DedupStream"/> written one item at a time (a simulated minute apart)
/// into one namespace, either with merge-on-write (<see cref="DeduplicationOptions.MergeAll"/>) or stored as
/// it comes and then swept with <c>DeduplicateAsync</c>; each merge is checked against the stream's labels.
/// </summary>
public sealed class M2Dedup(TextWriter progress, M2Settings settings, bool quick)
{
    /// <summary>The namespace of the workload.</summary>
    public static MemoryNamespace Namespace { get; } = MemoryNamespace.Of("m2", "dedup");

    private readonly M2DedupStream _stream = new(settings.DedupItems, settings.DuplicateShare, settings.Seed);

    /// <summary>Store options for <paramref name="mode"/> (<c>write</c> or <c>sweep</c>): the embedder (384 dimensions), the default threshold.</summary>
    public static MemoryStoreOptions StoreOptions(string mode, IEmbeddingGenerator<string, Embedding<float>> embedder, FakeTimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return new MemoryStoreOptions
        {
            Embeddings = embedder,
            Dimensions = M1.SeededEmbeddingGenerator.DefaultDimensions,
            TimeProvider = clock,
            Deduplication = mode == "write" ? DeduplicationOptions.MergeAll : new DeduplicationOptions(),
        };
    }

    /// <summary>Runs <paramref name="mode"/> on <paramref name="target"/>'s store (made with <see cref="StoreOptions"/>).</summary>
    public async Task<M2DedupResult> RunAsync(M2Target target, string mode, IEmbeddingGenerator<string, Embedding<float>> embedder, FakeTimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(clock);
        var store = target.Store ?? throw new ArgumentException("M2-dedup needs a memory store.", nameof(target));
        var items = _stream.Items;
        var byKey = items.ToDictionary(entry => entry.Key, StringComparer.Ordinal);

        // Where each written key ended: its own key (kept) or the key of the item it merged into.
        var landedIn = new Dictionary<string, string>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        foreach (var entry in items)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var stored = await store.PutAsync(new MemoryWrite { Namespace = Namespace, Key = entry.Key, Content = entry.Text }).ConfigureAwait(false);
            landedIn[entry.Key] = stored.Key;
        }

        var writeSeconds = watch.Elapsed.TotalSeconds;
        TimeSpan? sweep = null;
        if (mode == "sweep")
        {
            var started = Stopwatch.GetTimestamp();
            var report = await store.DeduplicateAsync(Namespace).ConfigureAwait(false);
            sweep = Stopwatch.GetElapsedTime(started);
            await progress.WriteLineAsync($"M2-dedup {target.Name} sweep: scanned {report.Scanned}, merged {report.Merged}, skipped {report.Skipped}").ConfigureAwait(false);
            var left = await KeysAsync(store).ConfigureAwait(false);
            foreach (var entry in items.Where(entry => !left.Contains(entry.Key)))
            {
                var history = await store.GetHistoryAsync(Namespace, entry.Key).ConfigureAwait(false);
                var reason = history.LastOrDefault(change => change.Kind == MemoryChangeKind.Merge)?.Reason
                    ?? throw new InvalidOperationException($"'{entry.Key}' is gone without a merge row.");
                landedIn[entry.Key] = reason[(reason.LastIndexOf(':') + 1)..];
            }
        }

        var itemsLeft = (await KeysAsync(store).ConfigureAwait(false)).Count;

        // A paraphrase merge keeps the newer wording, so the stored text drifts from the fact's first statement:
        // the best cosine between a missed paraphrase and the text its fact's item holds when the stream ends.
        double? missedMax = null;
        var vectors = await VectorsAsync(embedder).ConfigureAwait(false);
        foreach (var entry in items.Where(entry => entry.IsDuplicate && landedIn[entry.Key] == entry.Key))
        {
            var first = items.First(other => other.Fact == entry.Fact && !other.IsDuplicate);
            if (await store.GetAsync(Namespace, landedIn[first.Key]).ConfigureAwait(false) is { } holder && holder.Key != entry.Key)
            {
                var holderVector = (await embedder.GenerateAsync([holder.Content]).ConfigureAwait(false))[0].Vector.ToArray();
                var cosine = Math.Round(TensorPrimitives.CosineSimilarity(vectors[entry.Key], holderVector), 4);
                missedMax = Math.Max(missedMax ?? 0, cosine);
            }
        }

        var duplicates = items.Where(entry => entry.IsDuplicate).ToList();
        var distinct = items.Where(entry => !entry.IsDuplicate).ToList();
        bool Merged(M2DedupStream.Entry entry) => landedIn[entry.Key] != entry.Key;
        bool MergedRight(M2DedupStream.Entry entry) => Merged(entry) && byKey[landedIn[entry.Key]].Fact == entry.Fact;
        var (paraphraseMin, distinctMax) = Cosines(vectors);
        await progress.WriteLineAsync($"M2-dedup {target.Name} {mode}: {items.Count} items, {itemsLeft} left").ConfigureAwait(false);
        return new M2DedupResult
        {
            Store = target.Name,
            Mode = mode,
            Embedder = settings.Embedder,
            Threshold = store.Options.Deduplication.NearThreshold,
            Items = items.Count,
            Facts = distinct.Count,
            Duplicates = duplicates.Count,
            DuplicatesMerged = Share(duplicates.Count(MergedRight), duplicates.Count),
            DuplicatesMergedWrong = Share(duplicates.Count(entry => Merged(entry) && !MergedRight(entry)), duplicates.Count),
            DistinctWronglyMerged = Share(distinct.Count(Merged), distinct.Count),
            MergedBySwaps = [.. Enumerable.Range(0, 4).Select(swaps =>
            {
                var withSwaps = duplicates.Where(entry => entry.Swaps == swaps).ToList();
                return Share(withSwaps.Count(MergedRight), withSwaps.Count);
            })],
            ItemsLeft = itemsLeft,
            ParaphraseCosineMin = paraphraseMin,
            DistinctCosineMax = distinctMax,
            MissedCosineToHolderMax = missedMax,
            WriteItemsPerS = mode == "write" ? Math.Round(items.Count / writeSeconds, 1) : null,
            SweepMs = sweep is { } s ? M2Json.Ms(s) : null,
            Quick = quick,
        };
    }

    // The embedder's view of the stream: the worst paraphrase and the closest two distinct facts.
    private (double ParaphraseMin, double DistinctMax) Cosines(Dictionary<string, float[]> vectors)
    {
        var facts = _stream.Items.Where(entry => !entry.IsDuplicate).Select(entry => vectors[entry.Key]).ToList();
        var paraphraseMin = _stream.Items.Where(entry => entry.IsDuplicate)
            .Select(entry => (double)TensorPrimitives.CosineSimilarity(vectors[entry.Key], facts[entry.Fact]))
            .DefaultIfEmpty(1).Min();
        var distinctMax = 0.0;
        for (var i = 0; i < facts.Count; i++)
        {
            for (var j = i + 1; j < facts.Count; j++)
            {
                distinctMax = Math.Max(distinctMax, TensorPrimitives.CosineSimilarity(facts[i], facts[j]));
            }
        }

        return (Math.Round(paraphraseMin, 4), Math.Round(distinctMax, 4));
    }

    // Every stream item's vector, by key, in batches of 64.
    private async Task<Dictionary<string, float[]>> VectorsAsync(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var batch in _stream.Items.Chunk(64))
        {
            var embeddings = await embedder.GenerateAsync(batch.Select(entry => entry.Text)).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                vectors[batch[i].Key] = embeddings[i].Vector.ToArray();
            }
        }

        return vectors;
    }

    private static async Task<HashSet<string>> KeysAsync(MemoryStore store)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += 1000)
        {
            var page = await store.SearchAsync(new MemorySearch { NamespacePrefix = Namespace, Limit = 1000, Offset = offset }).ConfigureAwait(false);
            keys.UnionWith(page.Select(hit => hit.Item.Key));
            if (page.Count < 1000)
            {
                return keys;
            }
        }
    }

    private static double Share(int count, int of) => of == 0 ? 0 : Math.Round((double)count / of, 4);
}
