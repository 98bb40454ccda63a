namespace Checkpoint.Memory;

/// <summary>
/// One change of one memory, as its history keeps it: what happened, when, the text before and after,
/// and the items it came from (provenance of merges and consolidations). Erasing a subject removes
/// its history too.
/// </summary>
public sealed record MemoryChange
{
    /// <summary>The namespace of the item.</summary>
    public required MemoryNamespace Namespace { get; init; }

    /// <summary>The key of the item.</summary>
    public required string Key { get; init; }

    /// <summary>The item's version after the change (for removals: the version removed).</summary>
    public long Version { get; init; }

    /// <summary>What happened.</summary>
    public MemoryChangeKind Kind { get; init; }

    /// <summary>When (from the store's <see cref="MemoryStoreOptions.TimeProvider"/>).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The text before the change; null for an add.</summary>
    public string? OldContent { get; init; }

    /// <summary>The text after the change; null for a removal.</summary>
    public string? NewContent { get; init; }

    /// <summary>The items this change came from (merged duplicates, consolidated episodes); empty otherwise.</summary>
    public IReadOnlyList<MemoryKey> Sources { get; init; } = [];

    /// <summary>Why, in a few words, when the change was not a plain write (for example the consolidation's decision).</summary>
    public string? Reason { get; init; }

    /// <summary>The subject (person) the item belongs to, if any.</summary>
    public string? SubjectId { get; init; }

    /// <summary>The change that removes <paramref name="item"/> for <paramref name="kind"/>.</summary>
    public static MemoryChange Removal(MemoryItem item, MemoryChangeKind kind, DateTimeOffset at, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new MemoryChange
        {
            Namespace = item.Namespace,
            Key = item.Key,
            Version = item.Version,
            Kind = kind,
            At = at,
            OldContent = item.Content,
            Reason = reason,
            SubjectId = item.SubjectId,
        };
    }
}
