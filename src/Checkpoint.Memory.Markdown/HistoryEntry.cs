namespace Checkpoint.Memory.Markdown;

/// <summary>One line of <c>history.jsonl</c>: a change of an item, or the marker an erasure leaves (no item, no subject).</summary>
/// <param name="Id">The change id (0 on a line an older build wrote without one, until the log is upgraded).</param>
/// <param name="Change">The change; null for an erasure marker.</param>
/// <param name="At">When.</param>
internal sealed record HistoryEntry(long Id, MemoryChange? Change, DateTimeOffset At)
{
    /// <summary>The feed event of this line.</summary>
    public MemoryEvent ToEvent() => Change is { } change
        ? MemoryEvent.Changed(Id, new MemoryKey(change.Namespace, change.Key), change.Version, change.Kind, change.At)
        : MemoryEvent.Erased(Id, At);
}
