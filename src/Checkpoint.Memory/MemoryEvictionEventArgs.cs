namespace Checkpoint.Memory;

/// <summary>Items a store evicted to keep a group within its <see cref="CapacityLimit"/>.</summary>
public sealed class MemoryEvictionEventArgs(CapacityLimit limit, MemoryNamespace group, IReadOnlyList<MemoryItem> evicted) : EventArgs
{
    /// <summary>The limit that overflowed.</summary>
    public CapacityLimit Limit { get; } = limit;

    /// <summary>The group (namespace prefix) that overflowed.</summary>
    public MemoryNamespace Group { get; } = group;

    /// <summary>The evicted items, least relevant first.</summary>
    public IReadOnlyList<MemoryItem> Evicted { get; } = evicted;
}
