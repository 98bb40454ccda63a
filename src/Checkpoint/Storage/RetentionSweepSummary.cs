namespace Checkpoint.Storage;

/// <summary>What a retention sweep (<see cref="CheckpointSaver.SweepAsync"/>) did.</summary>
/// <param name="Threads">Threads visited.</param>
/// <param name="ThreadsPruned">Threads that lost at least one checkpoint.</param>
/// <param name="CheckpointsDeleted">Checkpoints deleted in all.</param>
/// <param name="ThreadsFailed">Threads whose prune failed (the sweep went on).</param>
/// <param name="Failures">The first <see cref="CheckpointSaver.MaxListedSweepFailures"/> failures.</param>
/// <param name="Elapsed">How long the sweep took.</param>
public sealed record RetentionSweepSummary(
    int Threads, int ThreadsPruned, long CheckpointsDeleted, int ThreadsFailed,
    IReadOnlyList<RetentionSweepFailure> Failures, TimeSpan Elapsed);
