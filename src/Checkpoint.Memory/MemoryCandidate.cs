namespace Checkpoint.Memory;

/// <summary>
/// An item a backend found for a search, with the raw signals it measured. A null signal means
/// the backend's index for it did not find the item.
/// </summary>
/// <param name="Item">The item (passes every filter, not expired).</param>
/// <param name="KeywordScore">Keyword rank, higher is better and positive (BM25 in every built-in backend); null when not a keyword match.</param>
/// <param name="VectorSimilarity">Cosine similarity of the item's vector and the query vector; null when not computed.</param>
public sealed record MemoryCandidate(MemoryItem Item, double? KeywordScore, double? VectorSimilarity);
