namespace Checkpoint.Memory;

/// <summary>The identity of a memory: namespace and key.</summary>
/// <param name="Namespace">Where it lives.</param>
/// <param name="Key">Its key within the namespace.</param>
public readonly record struct MemoryKey(MemoryNamespace Namespace, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Namespace}:{Key}";
}
