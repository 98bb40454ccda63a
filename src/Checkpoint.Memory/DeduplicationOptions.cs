namespace Checkpoint.Memory;

/// <summary>
/// Deduplication on write: a new item whose normalized text (<see cref="MemoryText.Normalize"/>) equals
/// that of a live item of the same namespace and subject is an exact duplicate; one whose vector has a
/// cosine similarity of at least <see cref="NearThreshold"/> with such an item is a near duplicate. Off by
/// default (<see cref="DuplicateHandling.Keep"/>): merging changes which key a write lands on, so a store
/// opts in. <see cref="MemoryStore.DeduplicateAsync"/> sweeps existing items with the same rules.
/// </summary>
public sealed record DeduplicationOptions
{
    /// <summary>What an exact duplicate does (default <see cref="DuplicateHandling.Keep"/>: no deduplication on write).</summary>
    public DuplicateHandling Exact { get; init; } = DuplicateHandling.Keep;

    /// <summary>What a near duplicate does (needs an embedding generator; default <see cref="DuplicateHandling.Keep"/>).</summary>
    public DuplicateHandling Near { get; init; } = DuplicateHandling.Keep;

    /// <summary>The cosine similarity from which two items are near duplicates (default 0.92).</summary>
    public double NearThreshold { get; init; } = 0.92;

    /// <summary>Merge exact and near duplicates on write.</summary>
    public static DeduplicationOptions MergeAll { get; } = new() { Exact = DuplicateHandling.Merge, Near = DuplicateHandling.Merge };
}
