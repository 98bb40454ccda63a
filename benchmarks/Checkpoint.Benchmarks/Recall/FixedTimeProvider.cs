namespace Checkpoint.Benchmarks.Recall;

/// <summary>A clock that never moves: every memory gets the same timestamps, so recency cannot bias recall.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => now;
}
