namespace Checkpoint.Memory;

/// <summary>What a <see cref="MemoryEvent"/> of <see cref="MemoryStore.WatchAsync"/> reports.</summary>
public enum MemoryEventKind : byte
{
    /// <summary>One item changed (see <see cref="MemoryEvent.Change"/>): a row of its history, without the texts.</summary>
    Changed = 0,

    /// <summary>
    /// A subject (person) was erased: their items are gone, and so are the events of those items, since the
    /// erasure leaves no trace of the person. A watcher that caches items re-reads what it holds.
    /// </summary>
    Erased = 1,

    /// <summary>
    /// Events may be missing before this one: the position the watcher resumed from is not in the store's feed
    /// (ahead of it: the store was replaced or restored from a backup). A watcher that caches items re-reads what it holds.
    /// </summary>
    Gap = 2,
}
