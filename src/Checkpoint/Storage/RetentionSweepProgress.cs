namespace Checkpoint.Storage;

/// <summary>The counts of a retention sweep so far, reported after each thread.</summary>
/// <param name="Threads">Threads visited.</param>
/// <param name="ThreadsPruned">Threads that lost at least one checkpoint.</param>
/// <param name="CheckpointsDeleted">Checkpoints deleted in all.</param>
/// <param name="ThreadsFailed">Threads whose prune failed.</param>
/// <param name="LastThread">The thread just visited.</param>
public sealed record RetentionSweepProgress(int Threads, int ThreadsPruned, long CheckpointsDeleted, int ThreadsFailed, string LastThread);
