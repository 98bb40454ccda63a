namespace Checkpoint.Memory;

/// <summary>What happened to a memory (a row of its history, see <see cref="MemoryStore.GetHistoryAsync"/>).</summary>
public enum MemoryChangeKind : byte
{
    /// <summary>Written under a key that had no live item.</summary>
    Add = 0,

    /// <summary>A new version of a live item.</summary>
    Update = 1,

    /// <summary>Deleted by a caller (or by consolidation, when a new fact contradicts it).</summary>
    Delete = 2,

    /// <summary>A duplicate merged into another item (the survivor's row names the merged keys as sources).</summary>
    Merge = 3,

    /// <summary>Removed to keep a namespace within its capacity (lowest relevance first).</summary>
    Evict = 4,

    /// <summary>Removed by the sweeper after its expiry.</summary>
    Expire = 5,
}
