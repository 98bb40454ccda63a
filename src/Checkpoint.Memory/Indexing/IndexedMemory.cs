namespace Checkpoint.Memory;

/// <summary>What <see cref="MemorySearchIndex"/> keeps of one item: enough to rank it, not the item itself.</summary>
/// <param name="Id">The backend's id for the item (a row id, a slot): what the index hands back.</param>
/// <param name="NamespaceKey">The item's <see cref="MemoryNamespace.StorageKey"/>.</param>
/// <param name="Key">The item's key (breaks score ties, as <see cref="HybridRanker.ByIdentity"/> does).</param>
/// <param name="KeywordText">The text keyword search sees (<see cref="Memory.KeywordText.Of"/>).</param>
/// <param name="Vector">The item's embedding; null without one.</param>
public readonly record struct IndexedMemory(long Id, string NamespaceKey, string Key, string KeywordText, ReadOnlyMemory<float>? Vector)
{
    /// <summary>The entry for a stored item with row id <paramref name="id"/>.</summary>
    public static IndexedMemory Of(long id, MemoryItem item, ReadOnlyMemory<float>? vector)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(id, item.Namespace.StorageKey, item.Key, Memory.KeywordText.Of(item), vector);
    }
}

/// <summary>An item the index found, with both signals where the item has them.</summary>
/// <param name="Id">The backend's id.</param>
/// <param name="KeywordScore">BM25 score (positive), null when the item shares no word with the query.</param>
/// <param name="VectorSimilarity">Cosine with the query vector, null when there is no query vector or the item has no vector.</param>
public readonly record struct IndexHit(long Id, double? KeywordScore, double? VectorSimilarity);

/// <summary>The best items by each signal, best first; an item may be in both lists.</summary>
/// <param name="ByKeyword">Up to the asked number of items with a positive keyword score.</param>
/// <param name="ByVector">Up to the asked number of items by cosine.</param>
public sealed record IndexResult(IReadOnlyList<IndexHit> ByKeyword, IReadOnlyList<IndexHit> ByVector);
