namespace Checkpoint.Storage;

/// <summary>One thread as <see cref="CheckpointSaver.ListThreadSummariesAsync"/> lists it: its latest checkpoint at a glance.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="LatestCheckpointId">Its latest checkpoint (root namespace).</param>
/// <param name="Step">That checkpoint's step: how far the thread has run (-1 for an input that has not run yet).</param>
/// <param name="UpdatedAt">When that checkpoint was written.</param>
/// <param name="Next">The nodes its next step runs; empty when the thread reached the end.</param>
/// <param name="Interrupted">True when the latest checkpoint waits for outside input (an interrupt).</param>
/// <param name="Metadata">That checkpoint's metadata (the run's <c>RunConfig.Metadata</c>, its subject, ...).</param>
public sealed record ThreadSummary(
    string ThreadId, Guid LatestCheckpointId, int Step, DateTimeOffset UpdatedAt, IReadOnlyList<string> Next, bool Interrupted,
    IReadOnlyDictionary<string, string> Metadata);
