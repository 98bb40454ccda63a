namespace Checkpoint.Memory;

/// <summary>The filters of a <see cref="MemorySearch"/>, as one pure function: what every backend must return.</summary>
public static class MemoryFilter
{
    /// <summary>
    /// True when <paramref name="item"/> is under the search's prefix (label-wise), not expired at
    /// <paramref name="now"/>, and passes every filter of the (checked) <paramref name="search"/>.
    /// </summary>
    public static bool Matches(MemoryItem item, MemorySearch search, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(search);
        return search.NamespacePrefix.IsPrefixOf(item.Namespace)
            && !item.IsExpiredAt(now)
            && (search.Kinds.Count == 0 || search.Kinds.Contains(item.Kind))
            && (search.SubjectId is null || string.Equals(search.SubjectId, item.SubjectId, StringComparison.Ordinal))
            && (search.Entity is null || item.Entities.Contains(search.Entity, StringComparer.Ordinal))
            && (search.CreatedAfter is not { } createdAfter || item.CreatedAt > createdAfter)
            && (search.CreatedBefore is not { } createdBefore || item.CreatedAt < createdBefore)
            && (search.UpdatedAfter is not { } updatedAfter || item.UpdatedAt > updatedAfter)
            && (search.UpdatedBefore is not { } updatedBefore || item.UpdatedAt < updatedBefore)
            && search.Metadata.All(condition => MetadataValues.Matches(item.Metadata, condition));
    }
}
