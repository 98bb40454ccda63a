using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Memory;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>recall@5 and hit@1 of one ranking configuration, per search mode.</summary>
public sealed record ModeScores(TagScores Keyword, TagScores Vector, TagScores Hybrid)
{
    /// <summary>The same results restricted to the queries whose id passes <paramref name="keep"/>.</summary>
    public ModeScores Where(Func<string, bool> keep) => new(Keyword.Where(keep), Vector.Where(keep), Hybrid.Where(keep));
}

/// <summary>
/// Measures the real store on the recall set: every memory goes into an <see cref="InMemoryMemoryStore"/>
/// under one root label (<see cref="Root"/>, then the memory's own namespace), all written at the same
/// instant with the same importance so recency and importance tie; each query then searches the root
/// prefix in Keyword, Vector and Hybrid mode.
/// </summary>
public static class StoreRecall
{
    /// <summary>The label every memory of the set is stored under (namespaces need at least one label in common for one prefix search).</summary>
    public const string Root = "recall";

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Loads <paramref name="set"/> into a fresh store ranking with <paramref name="ranking"/> and runs every query in every mode.</summary>
    public static async Task<ModeScores> MeasureAsync(
        MemoryRecallSet set, IEmbeddingGenerator<string, Embedding<float>> embeddings, RankingOptions ranking, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        await using var store = new InMemoryMemoryStore(new MemoryStoreOptions
        {
            Embeddings = embeddings,
            Ranking = ranking,
            TimeProvider = new FixedTimeProvider(Epoch),
            RecordAccess = false,
        });
        var writes = set.Facts.Select(f => new MemoryWrite
        {
            Namespace = MemoryNamespace.Parse(Root + MemoryNamespace.Separator + f.Namespace),
            Key = f.Id,
            Content = f.Text,
            Importance = 0.5,
        }).ToList();
        await store.PutManyAsync(writes, cancellationToken).ConfigureAwait(false);

        var root = MemoryNamespace.Of(Root);
        var scores = new ModeScores(new TagScores(), new TagScores(), new TagScores());
        foreach (var query in set.Queries)
        {
            foreach (var (mode, into) in new[] { (SearchMode.Keyword, scores.Keyword), (SearchMode.Vector, scores.Vector), (SearchMode.Hybrid, scores.Hybrid) })
            {
                var hits = await store.SearchAsync(
                    new MemorySearch { NamespacePrefix = root, Query = query.Text, Mode = mode, Limit = RecallMetrics.K }, cancellationToken).ConfigureAwait(false);
                into.Add(query, [.. hits.Select(h => h.Item.Key)]);
            }
        }

        return scores;
    }
}
