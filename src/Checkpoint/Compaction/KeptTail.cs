namespace Checkpoint.Compaction;

/// <summary>Where the verbatim tail of a compacted list starts.</summary>
internal static class KeptTail
{
    /// <summary>
    /// The index from which the last <paramref name="keepLast"/> items are kept, moved earlier while
    /// the first kept item belongs with the one before it (a tool result with its call), so a pair is
    /// never split; 0 when nothing can be dropped.
    /// </summary>
    public static int Start<TItem>(IReadOnlyList<TItem> items, int keepLast, Func<TItem, bool>? belongsWithPrevious)
    {
        var cut = items.Count - keepLast;
        if (cut <= 0)
        {
            return 0;
        }

        while (cut > 0 && belongsWithPrevious is not null && belongsWithPrevious(items[cut]))
        {
            cut--;
        }

        return cut;
    }
}
