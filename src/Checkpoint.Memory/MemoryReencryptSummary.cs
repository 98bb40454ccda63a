namespace Checkpoint.Memory;

/// <summary>
/// The counts of a memory store re-encryption (<see cref="MemoryStore.ReencryptAsync"/>), so far (progress) or at the end.
/// A row is an item (its body, its vector and its subject tag, sealed together) or a history row (its texts and subject
/// tag). <see cref="Examined"/> is always <see cref="Rewritten"/> + <see cref="AlreadyCurrent"/> + <see cref="Changed"/>,
/// and <see cref="Items"/> + <see cref="HistoryRows"/>; a second run over the same data rewrites nothing.
/// </summary>
/// <param name="Items">Item rows looked at.</param>
/// <param name="HistoryRows">History (change feed) rows looked at.</param>
/// <param name="Examined">Rows looked at.</param>
/// <param name="Rewritten">Rows sealed again under the current encryption key (subject tag recomputed under it).</param>
/// <param name="AlreadyCurrent">Rows already under the current key (left as they are).</param>
/// <param name="Changed">Rows deleted or rewritten by someone else between the read and the swap (left to that writer, whose bytes are under the current key).</param>
public sealed record MemoryReencryptSummary(long Items, long HistoryRows, long Examined, long Rewritten, long AlreadyCurrent, long Changed);
