namespace Checkpoint.Compaction;

/// <summary>A compactor given as a function; see <see cref="ListCompactors.FromDelegate{TItem}"/>.</summary>
internal sealed class DelegateCompactor<TItem>(Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<ListCompaction<TItem>?>> compact)
    : IListCompactor<TItem>
{
    public ValueTask<ListCompaction<TItem>?> CompactAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken) =>
        compact(items, cancellationToken);
}
