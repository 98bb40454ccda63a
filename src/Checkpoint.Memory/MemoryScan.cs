namespace Checkpoint.Memory;

/// <summary>
/// Which stored items a lifecycle pass reads (<c>ScanCoreAsync</c>): unlike a search, expired items are
/// included, nothing is ranked and every match is returned.
/// </summary>
public sealed record MemoryScan
{
    /// <summary>Only items under this prefix; null for every namespace.</summary>
    public MemoryNamespace? NamespacePrefix { get; init; }

    /// <summary>Only items of this subject; null for any.</summary>
    public string? SubjectId { get; init; }

    /// <summary>Only items whose expiry is at or before this time; null for any.</summary>
    public DateTimeOffset? ExpiredBy { get; init; }

    /// <summary>Whether the items' vectors are needed (deduplication); otherwise embeddings may be null.</summary>
    public bool WithVectors { get; init; }

    /// <summary>True when <paramref name="item"/> passes the scan's filters.</summary>
    public bool Matches(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (NamespacePrefix is null || NamespacePrefix.IsPrefixOf(item.Namespace))
            && (SubjectId is null || string.Equals(SubjectId, item.SubjectId, StringComparison.Ordinal))
            && (ExpiredBy is not { } by || item.IsExpiredAt(by));
    }
}
