namespace Checkpoint.Memory;

/// <summary>What <see cref="MemoryStore.ConsolidateAsync"/> did.</summary>
/// <param name="Episodes">Episodes read (and marked consolidated).</param>
/// <param name="Added">New facts, as stored.</param>
/// <param name="Updated">Existing facts rewritten, as stored.</param>
/// <param name="Deleted">Existing facts removed as contradicted.</param>
/// <param name="Unchanged">Proposed facts an existing memory already held.</param>
/// <param name="Rejected">Model answers that were not understood or named an id it was not shown (nothing was changed for them).</param>
/// <param name="Conflicts">Decisions skipped because another writer changed the item meanwhile.</param>
public sealed record ConsolidationReport(
    int Episodes, IReadOnlyList<MemoryItem> Added, IReadOnlyList<MemoryItem> Updated, IReadOnlyList<MemoryItem> Deleted,
    int Unchanged, IReadOnlyList<string> Rejected, int Conflicts);
