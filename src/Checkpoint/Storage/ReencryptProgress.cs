namespace Checkpoint.Storage;

/// <summary>
/// The counts of a re-encryption so far (<see cref="CheckpointSaver.ReencryptThreadAsync"/>,
/// <see cref="CheckpointSaver.ReencryptAllAsync"/>), reported after each blob.
/// <see cref="Examined"/> is always <see cref="Rewritten"/> + <see cref="AlreadyCurrent"/> + <see cref="Changed"/>.
/// </summary>
/// <param name="Threads">Threads started so far (the current one included).</param>
/// <param name="Examined">Blobs looked at: checkpoint records, chunks and blocks, pending writes.</param>
/// <param name="Rewritten">Blobs sealed again under the current encryption key.</param>
/// <param name="AlreadyCurrent">Blobs already under the current key (left as they are).</param>
/// <param name="Changed">Blobs deleted or rewritten by someone else between the read and the swap (left to that writer).</param>
/// <param name="ThreadId">The thread being re-encrypted.</param>
public sealed record ReencryptProgress(int Threads, long Examined, long Rewritten, long AlreadyCurrent, long Changed, string ThreadId);
