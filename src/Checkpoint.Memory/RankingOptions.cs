namespace Checkpoint.Memory;

/// <summary>
/// How <see cref="HybridRanker"/> ranks. The default weights are a starting point, to be tuned on a
/// labelled recall set: vector 0.55, keyword 0.30, recency 0.10, importance 0.05.
/// </summary>
public sealed record RankingOptions
{
    /// <summary>How the signals are combined.</summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.WeightedSum;

    /// <summary>Weight of vector similarity.</summary>
    public double VectorWeight { get; init; } = 0.55;

    /// <summary>Weight of keyword rank.</summary>
    public double KeywordWeight { get; init; } = 0.30;

    /// <summary>Weight of recency.</summary>
    public double RecencyWeight { get; init; } = 0.10;

    /// <summary>Weight of importance.</summary>
    public double ImportanceWeight { get; init; } = 0.05;

    /// <summary>Recency halves every this long since the item's last write.</summary>
    public TimeSpan RecencyHalfLife { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How a keyword score s becomes 0..1. Null: s / the best keyword score among the candidates (the
    /// best match always gets 1, however weak). c &gt; 0: s / (s + c), an absolute scale on which a
    /// match on one common word stays low; c is in the backend's score units (BM25 here).
    /// </summary>
    public double? KeywordSaturation { get; init; }

    /// <summary>The k of reciprocal-rank fusion.</summary>
    public int ReciprocalRankK { get; init; } = 60;

    /// <summary>
    /// How many candidates each retrieval signal (vector, keyword) contributes before fusion; a search
    /// deeper than this (offset + limit) uses offset + limit instead.
    /// </summary>
    public int CandidatePoolSize { get; init; } = 100;
}
