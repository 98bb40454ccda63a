namespace Checkpoint.Memory;

/// <summary>What goes into a <see cref="MemoryBlock"/>.</summary>
public sealed record MemoryBlockRequest
{
    /// <summary>Where to look (this namespace and below).</summary>
    public required MemoryNamespace Namespace { get; init; }

    /// <summary>What the memories should be relevant to (usually the user's message); null for facts only.</summary>
    public string? Query { get; init; }

    /// <summary>Whose long-term facts to include (all long-term facts under <see cref="Namespace"/> when null).</summary>
    public string? SubjectId { get; init; }

    /// <summary>How many relevant memories.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>How many long-term facts (newest first), besides those already relevant.</summary>
    public int MaxFacts { get; init; } = 20;
}
