namespace Checkpoint.Memory;

/// <summary>
/// A search: items under <see cref="NamespacePrefix"/> that pass every filter, ranked for
/// <see cref="Query"/> (or newest first without one). Expired items are never returned.
/// </summary>
public sealed record MemorySearch
{
    /// <summary>Only items in this namespace or below it (label-wise).</summary>
    public required MemoryNamespace NamespacePrefix { get; init; }

    /// <summary>The text to rank by; null or blank: filters only, newest (<see cref="MemoryItem.UpdatedAt"/>) first.</summary>
    public string? Query { get; init; }

    /// <summary>Which signals find candidates for <see cref="Query"/>.</summary>
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>Only these kinds; empty for all.</summary>
    public IReadOnlyCollection<MemoryKind> Kinds { get; init; } = [];

    /// <summary>Only items of this subject.</summary>
    public string? SubjectId { get; init; }

    /// <summary>Only items linked to this entity (exact name).</summary>
    public string? Entity { get; init; }

    /// <summary>Only items created strictly after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only items created strictly before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only items updated strictly after this time.</summary>
    public DateTimeOffset? UpdatedAfter { get; init; }

    /// <summary>Only items updated strictly before this time.</summary>
    public DateTimeOffset? UpdatedBefore { get; init; }

    /// <summary>Conditions on metadata, all of which must hold.</summary>
    public IReadOnlyList<MetadataCondition> Metadata { get; init; } = [];

    /// <summary>The most hits returned (1..1000).</summary>
    public int Limit { get; init; } = 10;

    /// <summary>How many ranked hits to skip (paging).</summary>
    public int Offset { get; init; }

    /// <summary>True when <see cref="Query"/> has text to rank by.</summary>
    public bool HasQuery => !string.IsNullOrWhiteSpace(Query);
}
