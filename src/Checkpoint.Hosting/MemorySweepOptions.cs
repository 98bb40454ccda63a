namespace Checkpoint.Hosting;

/// <summary>Settings of <see cref="MemorySweepService"/>.</summary>
public sealed class MemorySweepOptions
{
    /// <summary>How often the sweep runs (default one hour; must be positive).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether a sweep runs as soon as the host starts (default true).</summary>
    public bool SweepOnStart { get; set; } = true;

    /// <summary>Called after each sweep that ran to its end (for metrics or tests); its failure is logged, not thrown.</summary>
    public Func<MemorySweepSummary, CancellationToken, ValueTask>? OnSweepCompleted { get; set; }
}
