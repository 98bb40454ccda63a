namespace Checkpoint.Memory;

/// <summary>
/// One checked write handed to <see cref="MemoryStore"/>'s <c>PutCoreAsync</c>: the item as if it
/// were new (version 1, every time "now", no accesses), its vector, and the version the caller
/// expects. Inside its transaction, a backend reads the stored item and calls <see cref="Resolve"/>.
/// </summary>
/// <param name="Item">The item as written now, as if new.</param>
/// <param name="Embedding">Its vector, or null without an embedding generator.</param>
/// <param name="ExpectedVersion">The caller's <see cref="MemoryWrite.ExpectedVersion"/>.</param>
public sealed record MemoryPut(MemoryItem Item, ReadOnlyMemory<float>? Embedding, long? ExpectedVersion)
{
    /// <summary>The key written.</summary>
    public MemoryKey Key => new(Item.Namespace, Item.Key);

    /// <summary>What the history records for this put; null: add or update, from whether a live item existed.</summary>
    public MemoryChangeKind? ChangeKind { get; init; }

    /// <summary>The items this put came from (merged duplicates, consolidated episodes), for the history.</summary>
    public IReadOnlyList<MemoryKey> Sources { get; init; } = [];

    /// <summary>Optional words for the history row.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// What to store, given the stored item (null when there is none): a new version keeps the
    /// creation time and access counters and adds 1 to the version. An expired item counts as absent
    /// (version 0 for <see cref="ExpectedVersion"/>), but its version numbers are never reused.
    /// Throws <see cref="MemoryConflictException"/> when <see cref="ExpectedVersion"/> does not match.
    /// </summary>
    public StoredMemory Resolve(MemoryItem? existing)
    {
        var live = existing is not null && !existing.IsExpiredAt(Item.UpdatedAt);
        var actual = live ? existing!.Version : 0;
        if (ExpectedVersion is { } expected && expected != actual)
        {
            throw new MemoryConflictException(Item.Namespace, Item.Key, expected, actual);
        }

        var item = Item;
        if (existing is not null)
        {
            // Version numbers are never reused; a live item also keeps its creation time and access counters.
            item = live
                ? item with { Version = existing.Version + 1, CreatedAt = existing.CreatedAt, AccessCount = existing.AccessCount, LastAccessedAt = existing.LastAccessedAt }
                : item with { Version = existing.Version + 1 };
        }

        return new StoredMemory(item, Embedding)
        {
            Change = new MemoryChange
            {
                Namespace = item.Namespace,
                Key = item.Key,
                Version = item.Version,
                Kind = ChangeKind ?? (live ? MemoryChangeKind.Update : MemoryChangeKind.Add),
                At = item.UpdatedAt,
                OldContent = live ? existing!.Content : null,
                NewContent = item.Content,
                Sources = Sources,
                Reason = Reason,
                SubjectId = item.SubjectId,
            },
        };
    }
}
