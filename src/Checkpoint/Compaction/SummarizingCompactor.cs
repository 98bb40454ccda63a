namespace Checkpoint.Compaction;

/// <summary>
/// Replaces the oldest items by one summary item; see
/// <see cref="ListCompactors.Summarize{TItem}(int, Func{IReadOnlyList{TItem}, CancellationToken, ValueTask{TItem}}, Func{TItem, bool}?, Func{TItem, bool}?)"/>.
/// </summary>
internal sealed class SummarizingCompactor<TItem>(
    int keepLast,
    Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<TItem>> summarize,
    Func<TItem, bool>? pinned,
    Func<TItem, bool>? belongsWithPrevious) : IListCompactor<TItem>
{
    public async ValueTask<ListCompaction<TItem>?> CompactAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var cut = KeptTail.Start(items, keepLast, belongsWithPrevious);
        var kept = new List<TItem>();
        var span = new List<TItem>();
        for (var i = 0; i < cut; i++)
        {
            (pinned is not null && pinned(items[i]) ? kept : span).Add(items[i]);
        }

        if (span.Count == 0)
        {
            return null; // only pinned items before the tail: nothing to summarize
        }

        // The previous summary, if any, is the first unpinned item, so it is in the span and summarized again.
        kept.Add(await summarize(span, cancellationToken).ConfigureAwait(false));
        return new ListCompaction<TItem>(kept, cut);
    }
}
