namespace Checkpoint.Memory;

/// <summary>
/// How <see cref="HybridRanker"/> ranks. Defaults tuned on the labelled recall set (docs/memory.md, Ranking):
/// weighted sum, vector 0.60, keyword 0.25 (1.0 for a query with a code-like word) with keyword scores as
/// s / (s + 40), recency 0.10, importance 0.05.
/// </summary>
public sealed record RankingOptions
{
    /// <summary>How the signals are combined.</summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.WeightedSum;

    /// <summary>Weight of vector similarity.</summary>
    public double VectorWeight { get; init; } = 0.60;

    /// <summary>Weight of keyword rank.</summary>
    public double KeywordWeight { get; init; } = 0.25;

    /// <summary>Weight of recency.</summary>
    public double RecencyWeight { get; init; } = 0.10;

    /// <summary>Weight of importance.</summary>
    public double ImportanceWeight { get; init; } = 0.05;

    /// <summary>Recency halves every this long since the item's last write.</summary>
    public TimeSpan RecencyHalfLife { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How a keyword score s becomes 0..1. Null: s / the best keyword score among the candidates (the
    /// best match always gets 1, however weak, so a query sharing only a name with its answer lets
    /// keywords outvote meaning). c &gt; 0 (default 40): s / (s + c), an absolute scale on which a match on
    /// one common word stays low and a rare code scores higher; c is in BM25 units (k1 1.2, b 0.75), so a
    /// backend with another keyword scale needs its own c.
    /// </summary>
    public double? KeywordSaturation { get; init; } = 40;

    /// <summary>
    /// The keyword weight for a query with a code-like word (a word with a digit: ticket, id, version),
    /// where exact matching beats meaning (default 1.0); null keeps <see cref="KeywordWeight"/>.
    /// </summary>
    public double? CodeKeywordWeight { get; init; } = 1.0;

    /// <summary>The k of reciprocal-rank fusion.</summary>
    public int ReciprocalRankK { get; init; } = 60;

    /// <summary>
    /// Decay of relevance with age and reinforcement by use (<see cref="MemoryRelevance"/>): each hit's
    /// score is multiplied by its item's relevance. Episodic memories fade by default; use
    /// <see cref="DecayOptions.None"/> to turn decay off.
    /// </summary>
    public DecayOptions Decay { get; init; } = new();

    /// <summary>
    /// How many candidates each retrieval signal (vector, keyword) contributes before fusion; a search
    /// deeper than this (offset + limit) uses offset + limit instead. Default 50: on the labelled recall set
    /// pools of 20, 50 and 100 rank identically, and each candidate costs a read and a decode (about 9 µs on SQLite).
    /// </summary>
    public int CandidatePoolSize { get; init; } = 50;
}
