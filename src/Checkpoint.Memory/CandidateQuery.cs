namespace Checkpoint.Memory;

/// <summary>
/// What a backend's <c>SearchCoreAsync</c> receives: the checked search, the query vector made by
/// the store, and which retrieval signals to use. The backend returns the items under
/// <see cref="MemorySearch.NamespacePrefix"/> that pass <see cref="MemoryFilter.Matches"/> at
/// <see cref="Now"/>, as follows:
/// <list type="bullet">
/// <item>neither signal (no query text): the first <see cref="CandidateLimit"/> items, newest
/// (<see cref="MemoryItem.UpdatedAt"/>) first, ties by namespace then key;</item>
/// <item><see cref="UseKeyword"/>: the best <see cref="CandidateLimit"/> items with a positive keyword score for <see cref="QueryText"/>;</item>
/// <item><see cref="UseVector"/>: the best <see cref="CandidateLimit"/> items by cosine with <see cref="QueryVector"/>;</item>
/// </list>
/// the union of both lists when both are used (reporting the other signal for an item when it is known).
/// Ranking, paging and scores are the store's job (<see cref="HybridRanker"/>), so every backend ranks alike.
/// Backends without a search engine call <see cref="CandidateScan.Select"/>.
/// </summary>
/// <param name="Search">The checked search (filters, prefix).</param>
/// <param name="QueryVector">The query's vector when <see cref="UseVector"/>.</param>
/// <param name="UseKeyword">Find candidates by keyword rank.</param>
/// <param name="UseVector">Find candidates by vector similarity.</param>
/// <param name="CandidateLimit">How many candidates each signal contributes.</param>
/// <param name="Now">The store's time: items expired at this time are left out.</param>
public sealed record CandidateQuery(
    MemorySearch Search, ReadOnlyMemory<float>? QueryVector, bool UseKeyword, bool UseVector, int CandidateLimit, DateTimeOffset Now)
{
    /// <summary>The query text (empty when there is none).</summary>
    public string QueryText => Search.Query ?? "";
}
