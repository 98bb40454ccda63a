namespace Checkpoint.Memory;

/// <summary>
/// A lifecycle removal (expiry, eviction, merge): the item goes only if it still has
/// <paramref name="Version"/>, so a sweep never removes what another writer changed after the sweep read it.
/// </summary>
/// <param name="Key">The item.</param>
/// <param name="Version">The version the sweep read.</param>
/// <param name="Kind">Why it goes (recorded in its history).</param>
/// <param name="Reason">Optional words for the history row.</param>
public sealed record MemoryRemoval(MemoryKey Key, long Version, MemoryChangeKind Kind, string? Reason = null);
