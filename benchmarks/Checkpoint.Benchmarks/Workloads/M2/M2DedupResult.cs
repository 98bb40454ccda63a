namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>One M2-dedup line (issue 10): near-duplicate paraphrases merged on write or by a sweep.</summary>
public sealed record M2DedupResult
{
    /// <summary>Always "M2-dedup".</summary>
    public string Workload { get; init; } = "M2-dedup";

    /// <summary>memory, sqlite or postgres.</summary>
    public required string Store { get; init; }

    /// <summary><c>write</c> (merge on write, <c>DeduplicationOptions.MergeAll</c>) or <c>sweep</c> (stored as they come, then <c>DeduplicateAsync</c>).</summary>
    public required string Mode { get; init; }

    /// <summary>The embedding generator: <c>bag-of-words</c> (<see cref="BagOfWordsEmbeddingGenerator"/>) or <c>minilm</c>; 384 dims.</summary>
    public required string Embedder { get; init; }

    /// <summary>The near-duplicate cosine threshold.</summary>
    public required double Threshold { get; init; }

    /// <summary>Items in the stream.</summary>
    public required int Items { get; init; }

    /// <summary>Distinct facts (the stream's items that are not paraphrases).</summary>
    public required int Facts { get; init; }

    /// <summary>Paraphrases of an earlier fact (word order shuffled, 0-3 words swapped for other words).</summary>
    public required int Duplicates { get; init; }

    /// <summary>Share of the paraphrases merged into their own fact's item.</summary>
    public required double DuplicatesMerged { get; init; }

    /// <summary>Share of the paraphrases merged into another fact's item.</summary>
    public required double DuplicatesMergedWrong { get; init; }

    /// <summary>Share of the distinct facts wrongly merged into another fact's item.</summary>
    public required double DistinctWronglyMerged { get; init; }

    /// <summary>Share of the paraphrases merged, by words swapped (index 0 = reordering only, 1, 2, 3).</summary>
    public required IReadOnlyList<double> MergedBySwaps { get; init; }

    /// <summary>Items left in the namespace at the end (ideal: <see cref="Facts"/>).</summary>
    public required int ItemsLeft { get; init; }

    /// <summary>The lowest cosine between a paraphrase and its fact, by the embedder.</summary>
    public required double ParaphraseCosineMin { get; init; }

    /// <summary>The highest cosine between two distinct facts, by the embedder.</summary>
    public required double DistinctCosineMax { get; init; }

    /// <summary>
    /// The highest cosine between a paraphrase that was not merged and the text its fact's item held at the end
    /// (null: none missed). Below the threshold: the item's wording had drifted (each merge keeps the newer wording).
    /// </summary>
    public double? MissedCosineToHolderMax { get; init; }

    /// <summary>Write mode: items written per second with deduplication on (one <c>PutAsync</c> each); sweep mode: null.</summary>
    public double? WriteItemsPerS { get; init; }

    /// <summary>Sweep mode: the <c>DeduplicateAsync</c> call, ms; write mode: null.</summary>
    public double? SweepMs { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => M2Json.Serialize(this);

    /// <summary>The fields issue 10 asks for.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
        ["workload", "store", "mode", "items", "duplicates", "duplicates_merged", "distinct_wrongly_merged"];
}
