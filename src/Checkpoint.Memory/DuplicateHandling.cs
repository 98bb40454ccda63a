namespace Checkpoint.Memory;

/// <summary>What a store does when a write (or <see cref="MemoryStore.DeduplicateAsync"/>) finds a duplicate.</summary>
public enum DuplicateHandling
{
    /// <summary>Nothing: duplicates are stored as they come.</summary>
    Keep = 0,

    /// <summary>The duplicate merges into the existing item: newer wording, union of metadata and entities, provenance in its history.</summary>
    Merge = 1,

    /// <summary>The new item is stored with metadata <c>duplicate_of</c> naming the existing one (<c>namespace:key</c>).</summary>
    Link = 2,
}
