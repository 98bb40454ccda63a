namespace Checkpoint.Memory;

/// <summary>The parts of a hit's score. A part is null when its signal was not used by the search.</summary>
/// <param name="Vector">Cosine similarity to the query (Hybrid and Vector modes with embeddings).</param>
/// <param name="Keyword">Keyword rank (Hybrid and Keyword modes).</param>
/// <param name="Recency">Half-life decay of the time since the last write.</param>
/// <param name="Importance">The item's importance.</param>
/// <param name="Fusion">How the parts were combined.</param>
public sealed record ScoreParts(ScorePart? Vector, ScorePart? Keyword, ScorePart Recency, ScorePart Importance, FusionMethod Fusion)
{
    /// <summary>
    /// The item's decayed relevance (<see cref="MemoryRelevance"/>) the fused score was multiplied by:
    /// 1 for memories that do not decay.
    /// </summary>
    public double Relevance { get; init; } = 1;
}
