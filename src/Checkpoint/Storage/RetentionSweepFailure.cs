namespace Checkpoint.Storage;

/// <summary>A thread whose prune failed during a retention sweep.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="Exception">Why.</param>
public sealed record RetentionSweepFailure(string ThreadId, Exception Exception);
