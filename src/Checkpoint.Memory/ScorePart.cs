namespace Checkpoint.Memory;

/// <summary>One signal's share of a hit's score.</summary>
/// <param name="Raw">The signal as measured: cosine similarity, keyword rank from the backend (BM25 or its full-text rank), recency decay, importance.</param>
/// <param name="Normalized">The signal on 0..1 as fused by <see cref="FusionMethod.WeightedSum"/>.</param>
/// <param name="Rank">1-based rank of the item by this signal among the candidates (ties broken by namespace and key); 0 when the signal did not find it.</param>
/// <param name="Contribution">What this part added to the score (after weighting and fusion normalization).</param>
public readonly record struct ScorePart(double Raw, double Normalized, int Rank, double Contribution);
