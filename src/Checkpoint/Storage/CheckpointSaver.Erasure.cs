namespace Checkpoint.Storage;

/// <summary>Erasure of a subject's threads (the right to be forgotten).</summary>
public abstract partial class CheckpointSaver
{
    /// <summary>
    /// Deletes every thread with a checkpoint whose metadata names <paramref name="subjectId"/> as its subject
    /// (runs started with <c>RunConfig.SubjectId</c>): all of each thread's namespaces, checkpoints, chunks and
    /// pending writes, then removes the freed bytes from the store's files where the saver can (see
    /// <see cref="CheckpointErasure.Scrubbed"/>). Other threads stay intact. Expired threads (see
    /// <see cref="ThreadTimeToLive"/>) are purged first, whoever their subject, so none is left on disk unseen.
    /// </summary>
    public async Task<CheckpointErasure> EraseSubjectAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(subjectId);

        // Expired threads are invisible to the listing below but still stored: remove them first.
        _ = await PurgeExpiredThreadsAsync(cancellationToken).ConfigureAwait(false);
        var filter = new CheckpointFilter { Metadata = new Dictionary<string, string> { [RunConfig.SubjectMetadataKey] = subjectId } };
        var threads = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var tuple in ListAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            _ = threads.Add(tuple.Checkpoint.ThreadId);
        }

        var checkpoints = 0;
        foreach (var thread in threads.Order(StringComparer.Ordinal))
        {
            await foreach (var _ in ListAsync(new CheckpointFilter { ThreadId = thread }, cancellationToken).ConfigureAwait(false))
            {
                checkpoints++;
            }

            await DeleteThreadAsync(thread, cancellationToken).ConfigureAwait(false);
        }

        var scrubbed = await ScrubAsync(cancellationToken).ConfigureAwait(false);
        return new CheckpointErasure(subjectId, threads.Count, checkpoints, scrubbed);
    }

    /// <summary>
    /// Removes the bytes of deleted data from the store's files after an erasure; true when done. The
    /// default (stores with no files of their own, such as the in-memory saver) has nothing to do.
    /// </summary>
    protected virtual Task<bool> ScrubAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
