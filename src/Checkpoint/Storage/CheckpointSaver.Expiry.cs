namespace Checkpoint.Storage;

/// <content>Thread expiry (time to live): expired threads are invisible at once and removed by a purge.</content>
public abstract partial class CheckpointSaver
{
    /// <summary>
    /// How long a thread lives after its last put (a checkpoint or writes), measured with the saver's clock; null
    /// (the default) when threads never expire. An expired thread is invisible to every read at once, as if deleted;
    /// a put onto it starts a fresh thread. <see cref="PurgeExpiredThreadsAsync"/> removes the stored rows (Redis
    /// expires its keys itself).
    /// </summary>
    public virtual TimeSpan? ThreadTimeToLive => null;

    /// <summary>
    /// Deletes every expired thread (see <see cref="ThreadTimeToLive"/>) with its namespaces, checkpoints, chunks and
    /// pending writes, and returns how many threads went; 0 when the saver has no time to live. Safe while other
    /// threads are written, and while the expired ones are: a put that refreshes a thread first keeps it.
    /// </summary>
    public Task<int> PurgeExpiredThreadsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return ThreadTimeToLive is null ? Task.FromResult(0) : PurgeAndForgetAsync(cancellationToken);
    }

    /// <summary>
    /// Implements <see cref="PurgeExpiredThreadsAsync"/> (called only when <see cref="ThreadTimeToLive"/> is set):
    /// deletes the expired threads and returns their ids. The default (a store that expires data itself) removes none.
    /// </summary>
    protected virtual Task<IReadOnlyCollection<string>> PurgeExpiredThreadsCoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<string>>([]);

    /// <summary>
    /// Checks a saver option holding a thread time to live: null, or positive. Throws an
    /// <see cref="ArgumentOutOfRangeException"/> naming <paramref name="optionName"/> otherwise.
    /// </summary>
    protected static TimeSpan? CheckThreadTimeToLive(TimeSpan? value, string optionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(optionName);
        return value is { } ttl && ttl <= TimeSpan.Zero
            ? throw new ArgumentOutOfRangeException(
                optionName, ttl, $"{optionName} must be positive (or null for threads that never expire).")
            : value;
    }

    private async Task<int> PurgeAndForgetAsync(CancellationToken cancellationToken)
    {
        var purged = await PurgeExpiredThreadsCoreAsync(cancellationToken).ConfigureAwait(false);
        if (purged.Count > 0)
        {
            var gone = purged as IReadOnlySet<string> ?? new HashSet<string>(purged, StringComparer.Ordinal);
            ChunkContents.RemoveThreads(gone.Contains);
        }

        return purged.Count;
    }
}
