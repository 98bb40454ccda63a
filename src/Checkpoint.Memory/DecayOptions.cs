namespace Checkpoint.Memory;

/// <summary>
/// How a memory's relevance falls with age and rises with use (<see cref="MemoryRelevance"/>). By
/// default episodic memories (what happened) fade with a 30-day half-life; long-term facts and semantic
/// knowledge do not decay. Rules for a namespace prefix (per agent, per user) override the per-kind
/// half-lives; the longest matching prefix wins.
/// </summary>
public sealed record DecayOptions
{
    /// <summary>Half-life per kind; a kind missing here does not decay.</summary>
    public IReadOnlyDictionary<MemoryKind, TimeSpan> HalfLives { get; init; } =
        new Dictionary<MemoryKind, TimeSpan> { [MemoryKind.Episodic] = TimeSpan.FromDays(30) };

    /// <summary>Overrides for namespace prefixes (and optionally one kind under them); the longest matching prefix wins.</summary>
    public IReadOnlyList<NamespaceDecay> Namespaces { get; init; } = [];

    /// <summary>
    /// How much each retrieval raises a decaying memory's strength, as a fraction of its fresh strength
    /// (default 0.2: five retrievals double it).
    /// </summary>
    public double ReinforcementPerAccess { get; init; } = 0.2;

    /// <summary>The cap on the multiplier retrievals give (default 2: at most one half-life's worth).</summary>
    public double MaxReinforcement { get; init; } = 2.0;

    /// <summary>No decay for any kind: relevance is always 1.</summary>
    public static DecayOptions None { get; } = new() { HalfLives = new Dictionary<MemoryKind, TimeSpan>() };

    /// <summary>The half-life that applies to <paramref name="item"/>, or null when it does not decay.</summary>
    public TimeSpan? HalfLifeOf(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        NamespaceDecay? best = null;
        foreach (var rule in Namespaces)
        {
            if ((rule.Kind is null || rule.Kind == item.Kind) && rule.Prefix.IsPrefixOf(item.Namespace)
                && (best is null || rule.Prefix.Depth > best.Prefix.Depth || (rule.Prefix.Depth == best.Prefix.Depth && rule.Kind is not null)))
            {
                best = rule;
            }
        }

        if (best is not null)
        {
            return best.HalfLife;
        }

        return HalfLives.TryGetValue(item.Kind, out var halfLife) ? halfLife : null;
    }
}
