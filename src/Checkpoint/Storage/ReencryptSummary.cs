namespace Checkpoint.Storage;

/// <summary>
/// What a re-encryption did (<see cref="CheckpointSaver.ReencryptThreadAsync"/>, <see cref="CheckpointSaver.ReencryptAllAsync"/>).
/// <see cref="Examined"/> is always <see cref="Rewritten"/> + <see cref="AlreadyCurrent"/> + <see cref="Changed"/>;
/// a second run over the same data rewrites nothing.
/// </summary>
/// <param name="Threads">Threads visited.</param>
/// <param name="Checkpoints">Checkpoints visited (in every namespace of those threads).</param>
/// <param name="Examined">Blobs looked at: checkpoint records, chunks and blocks, pending writes.</param>
/// <param name="Rewritten">Blobs sealed again under the current encryption key.</param>
/// <param name="AlreadyCurrent">Blobs already under the current key (left as they are).</param>
/// <param name="Changed">Blobs deleted or rewritten by someone else between the read and the swap (left to that writer).</param>
public sealed record ReencryptSummary(int Threads, int Checkpoints, long Examined, long Rewritten, long AlreadyCurrent, long Changed);
