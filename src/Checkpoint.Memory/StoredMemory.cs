namespace Checkpoint.Memory;

/// <summary>What a backend keeps for one key: the item and the vector of its content (null without an embedding generator).</summary>
/// <param name="Item">The item.</param>
/// <param name="Embedding">The vector of its embedded text, already checked for size.</param>
public sealed record StoredMemory(MemoryItem Item, ReadOnlyMemory<float>? Embedding)
{
    /// <summary>The history row a put records (set by <see cref="MemoryPut.Resolve"/>).</summary>
    public MemoryChange? Change { get; init; }
}
