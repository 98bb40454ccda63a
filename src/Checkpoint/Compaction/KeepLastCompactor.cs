namespace Checkpoint.Compaction;

/// <summary>Keeps the last items (and every pinned item before them); see <see cref="ListCompactors.KeepLast{TItem}"/>.</summary>
internal sealed class KeepLastCompactor<TItem>(int keepLast, Func<TItem, bool>? pinned, Func<TItem, bool>? belongsWithPrevious)
    : IListCompactor<TItem>
{
    public ValueTask<ListCompaction<TItem>?> CompactAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var cut = KeptTail.Start(items, keepLast, belongsWithPrevious);
        if (cut == 0)
        {
            return ValueTask.FromResult<ListCompaction<TItem>?>(null);
        }

        // Pinned items (system messages) before the cut are written again as the new head.
        var head = pinned is null ? [] : items.Take(cut).Where(pinned).ToArray();
        return ValueTask.FromResult<ListCompaction<TItem>?>(new ListCompaction<TItem>(head, cut));
    }
}
