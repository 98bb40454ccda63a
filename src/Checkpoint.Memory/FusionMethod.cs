namespace Checkpoint.Memory;

/// <summary>How a hit's signals are combined into one score.</summary>
public enum FusionMethod
{
    /// <summary>Weighted mean of the normalized signals (0..1).</summary>
    WeightedSum,

    /// <summary>Weighted reciprocal-rank fusion, <c>Σ w / (k + rank)</c>, divided by its maximum so it is 0..1.</summary>
    ReciprocalRank,
}
