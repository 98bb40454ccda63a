namespace Checkpoint.Compaction;

/// <summary>Shortens a list channel's value; see <see cref="ListCompactors"/> for the built-ins.</summary>
/// <typeparam name="TItem">The list's item type.</typeparam>
public interface IListCompactor<TItem>
{
    /// <summary>
    /// The compaction of <paramref name="items"/> (new head items, and the index the old items are
    /// kept from), or null when there is nothing to compact. The engine calls it when the channel's
    /// trigger fires, after a step's checkpoint is written and before the next step runs.
    /// </summary>
    ValueTask<ListCompaction<TItem>?> CompactAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken);
}
