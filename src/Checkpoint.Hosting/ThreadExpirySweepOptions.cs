namespace Checkpoint.Hosting;

/// <summary>Settings of <see cref="ThreadExpirySweepService"/>.</summary>
public sealed class ThreadExpirySweepOptions
{
    /// <summary>How often the sweep runs (default one hour; must be positive). Expired threads are invisible already: this only frees their storage.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether a sweep runs as soon as the host starts (default true).</summary>
    public bool SweepOnStart { get; set; } = true;

    /// <summary>Called after each sweep that ran to its end (for metrics or tests); its failure is logged, not thrown.</summary>
    public Func<ThreadExpirySweepSummary, CancellationToken, ValueTask>? OnSweepCompleted { get; set; }
}
