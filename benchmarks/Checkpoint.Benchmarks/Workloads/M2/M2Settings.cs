namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>M2's scale (issue 10); <see cref="Quick"/> gives the <c>--quick</c> sizes.</summary>
public sealed record M2Settings
{
    /// <summary>Lifecycle: the namespace's capacity, and the items it is filled with before the year starts.</summary>
    public int LifecycleCap { get; init; } = 10_000;

    /// <summary>Lifecycle: simulated days (one write per simulated hour).</summary>
    public int LifecycleDays { get; init; } = 365;

    /// <summary>Lifecycle: searches per simulated day (each reinforces what it returns).</summary>
    public int SearchesPerDay { get; init; } = 4;

    /// <summary>Dedup: items in the stream.</summary>
    public int DedupItems { get; init; } = 2_000;

    /// <summary>Dedup: share of the stream that paraphrases an earlier fact.</summary>
    public double DuplicateShare { get; init; } = 0.3;

    /// <summary>Dedup: the embedder, <c>bag-of-words</c> (<see cref="BagOfWordsEmbeddingGenerator"/>) or <c>minilm</c> (the offline MiniLM model, slower).</summary>
    public string Embedder { get; init; } = "bag-of-words";

    /// <summary>Erase: memories of the erased subject.</summary>
    public int EraseMemories { get; init; } = 1_000;

    /// <summary>Erase: threads of the erased subject.</summary>
    public int EraseThreads { get; init; } = 10;

    /// <summary>Erase: supersteps per thread.</summary>
    public int EraseSteps { get; init; } = 500;

    /// <summary>Seeds every random choice.</summary>
    public int Seed { get; init; } = 10;

    /// <summary>The <c>--quick</c> sizes (the whole m2 run on memory + sqlite in well under a minute).</summary>
    public static M2Settings Quick { get; } = new()
    {
        LifecycleCap = 500,
        LifecycleDays = 30,
        DedupItems = 300,
        EraseMemories = 100,
        EraseThreads = 2,
        EraseSteps = 50,
    };
}
