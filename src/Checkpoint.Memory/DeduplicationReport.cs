namespace Checkpoint.Memory;

/// <summary>What <see cref="MemoryStore.DeduplicateAsync"/> did.</summary>
/// <param name="Scanned">Items looked at.</param>
/// <param name="Merged">Duplicates merged into a survivor (and removed).</param>
/// <param name="Survivors">The items that absorbed duplicates, as stored after the merge.</param>
/// <param name="Skipped">Groups left alone because another writer changed one of their items meanwhile.</param>
public sealed record DeduplicationReport(int Scanned, int Merged, IReadOnlyList<MemoryItem> Survivors, int Skipped);
