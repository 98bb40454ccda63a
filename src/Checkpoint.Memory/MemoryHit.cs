namespace Checkpoint.Memory;

/// <summary>A search result: the item, its fused score, and the parts the score was made of.</summary>
/// <param name="Item">The memory found.</param>
/// <param name="Score">The fused score, 0..1; higher ranks first.</param>
/// <param name="Parts">Why it ranked: each signal raw, normalized, ranked and weighted.</param>
public sealed record MemoryHit(MemoryItem Item, double Score, ScoreParts Parts);
