using Checkpoint.Storage;

namespace Checkpoint.Hosting;

/// <summary>How <see cref="RetentionSweepService"/> sweeps: the policy, how often, and who hears about each sweep.</summary>
public sealed class RetentionSweepOptions
{
    /// <summary>The default <see cref="Interval"/>: one hour.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>The policy applied to every thread (required).</summary>
    public RetentionPolicy? Policy { get; set; }

    /// <summary>Time between the starts of two sweeps (a sweep that takes longer delays the next tick, never overlaps).</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Sweep once as soon as the service starts, then every <see cref="Interval"/> (default true).</summary>
    public bool SweepOnStart { get; set; } = true;

    /// <summary>Called after every sweep with its summary (metrics, tests); its failures are logged, not rethrown.</summary>
    public Func<RetentionSweepSummary, CancellationToken, ValueTask>? OnSweepCompleted { get; set; }
}
