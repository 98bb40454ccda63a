namespace Checkpoint.Memory;

/// <summary>
/// Which namespaces <see cref="MemoryStore.ListNamespacesAsync"/> returns (like LangGraph's
/// <c>list_namespaces</c>): those holding at least one item, matching <see cref="Prefix"/> and
/// <see cref="Suffix"/> label-wise, cut to <see cref="MaxDepth"/> labels and de-duplicated, in
/// <see cref="MemoryNamespace"/> order, then paged.
/// </summary>
public sealed record NamespaceQuery
{
    /// <summary>Only namespaces starting with these labels.</summary>
    public MemoryNamespace? Prefix { get; init; }

    /// <summary>Only namespaces ending with these labels.</summary>
    public MemoryNamespace? Suffix { get; init; }

    /// <summary>Cut namespaces to this many labels (then de-duplicate); null for no cut.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>The most namespaces returned.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>How many to skip.</summary>
    public int Offset { get; init; }
}
