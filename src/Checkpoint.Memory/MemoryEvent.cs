namespace Checkpoint.Memory;

/// <summary>
/// One entry of a memory store's change feed (<see cref="MemoryStore.WatchAsync"/>): an item changed, a subject
/// was erased, or events may be missing. No texts: a watcher reads the item when it wants its content.
/// </summary>
public sealed record MemoryEvent
{
    /// <summary>
    /// The event's position in the feed: grows in commit order and is never reused, so a watcher that stops
    /// resumes with <c>WatchAsync(prefix, after: ChangeId)</c> and misses nothing.
    /// </summary>
    public long ChangeId { get; init; }

    /// <summary>What the event reports.</summary>
    public MemoryEventKind Kind { get; init; }

    /// <summary>The namespace of the changed item; null unless <see cref="Kind"/> is <see cref="MemoryEventKind.Changed"/>.</summary>
    public MemoryNamespace? Namespace { get; init; }

    /// <summary>The key of the changed item; null unless <see cref="Kind"/> is <see cref="MemoryEventKind.Changed"/>.</summary>
    public string? Key { get; init; }

    /// <summary>The item's version after the change (for a removal: the version removed); 0 for other kinds.</summary>
    public long Version { get; init; }

    /// <summary>What happened to the item (meaningful when <see cref="Kind"/> is <see cref="MemoryEventKind.Changed"/>).</summary>
    public MemoryChangeKind Change { get; init; }

    /// <summary>When (the store's clock; for a gap, when it was noticed).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>True when the item is gone after this change (delete, merge into another, eviction, expiry).</summary>
    public bool IsRemoval => Kind == MemoryEventKind.Changed && Change is not (MemoryChangeKind.Add or MemoryChangeKind.Update);

    /// <summary>An event for one changed item.</summary>
    public static MemoryEvent Changed(long changeId, MemoryKey key, long version, MemoryChangeKind change, DateTimeOffset at)
        => new() { ChangeId = changeId, Kind = MemoryEventKind.Changed, Namespace = key.Namespace, Key = key.Key, Version = version, Change = change, At = at };

    /// <summary>The event an erasure leaves in the feed (no namespace, key or subject).</summary>
    public static MemoryEvent Erased(long changeId, DateTimeOffset at) => new() { ChangeId = changeId, Kind = MemoryEventKind.Erased, At = at };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        MemoryEventKind.Changed => $"#{ChangeId} {Change} {Namespace}:{Key} v{Version}",
        _ => $"#{ChangeId} {Kind}",
    };
}
