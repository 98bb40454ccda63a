namespace Checkpoint.Memory;

/// <summary>
/// A memory's decayed relevance in 0..1, the factor the hybrid ranking multiplies a hit's score by and
/// the order capacity eviction removes items in:
/// <c>min(1, 0.5^(age / halfLife) · min(maxReinforcement, 1 + reinforcementPerAccess · accessCount))</c>,
/// age since <see cref="MemoryItem.UpdatedAt"/>. A kind (or namespace) without a half-life keeps 1.
/// </summary>
public static class MemoryRelevance
{
    /// <summary>The relevance of <paramref name="item"/> at <paramref name="now"/>.</summary>
    public static double Of(MemoryItem item, DateTimeOffset now, DecayOptions options)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(options);
        if (options.HalfLifeOf(item) is not { } halfLife || halfLife <= TimeSpan.Zero)
        {
            return 1;
        }

        var age = now - item.UpdatedAt;
        var decay = age <= TimeSpan.Zero ? 1 : Math.Pow(0.5, age / halfLife);
        var reinforcement = Math.Min(
            Math.Max(1, options.MaxReinforcement),
            1 + (Math.Max(0, options.ReinforcementPerAccess) * Math.Max(0, item.AccessCount)));
        return Math.Min(1, decay * reinforcement);
    }
}
