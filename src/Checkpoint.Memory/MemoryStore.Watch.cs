using System.Runtime.CompilerServices;

namespace Checkpoint.Memory;

/// <summary>
/// The change feed: every change of every item gets an id that grows in commit order and is never reused (the
/// history row written in the change's transaction), so watchers in any process see every change once, in order,
/// and resume where they stopped.
/// </summary>
public abstract partial class MemoryStore
{
    /// <summary>The most events one read of the feed returns.</summary>
    protected const int ChangeBatchSize = 256;

    private readonly CancellationTokenSource _disposing = new();
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The changes of items under <paramref name="namespacePrefix"/> as they commit, from any instance or process on
    /// the same storage, oldest first, until <paramref name="cancellationToken"/> is cancelled (which throws
    /// <see cref="OperationCanceledException"/>). With <paramref name="after"/> null the feed starts at the latest change
    /// (only what comes next); with an id (0: the beginning) it first replays every later change, so a watcher that
    /// stops resumes from the last <see cref="MemoryEvent.ChangeId"/> it handled without a loss. Besides item changes it
    /// yields <see cref="MemoryEventKind.Erased"/> when a subject is erased (their items vanish without events) and
    /// <see cref="MemoryEventKind.Gap"/> when <paramref name="after"/> is ahead of the feed (a replaced or restored store).
    /// How fast a change from another process arrives depends on the backend (see its documentation).
    /// </summary>
    public async IAsyncEnumerable<MemoryEvent> WatchAsync(
        MemoryNamespace namespacePrefix, long? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(namespacePrefix);
        if (after is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(after), after, "A change id is 0 (the beginning of the feed) or more.");
        }

        var latest = await GetLatestChangeIdCoreAsync(cancellationToken).ConfigureAwait(false);
        var position = after ?? latest;
        if (position > latest)
        {
            yield return new MemoryEvent { ChangeId = latest, Kind = MemoryEventKind.Gap, At = Options.TimeProvider.GetUtcNow() };
            position = latest;
        }

        while (true)
        {
            ThrowIfDisposed();
            var page = await ReadChangesCoreAsync(namespacePrefix, position, ChangeBatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var change in page.Events)
            {
                yield return change;
            }

            position = Math.Max(position, page.Through);
            if (page.Events.Count < ChangeBatchSize)
            {
                await WaitForChangesAsync(position, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Wakes this instance's watchers to read the feed now: after a transaction that added to it committed, or when the backend learns that another process may have (a file watcher's event).</summary>
    protected void NotifyChangesCommitted() => Interlocked.Exchange(ref _committed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// A <see cref="WaitForChangesCoreAsync"/> for backends that poll: returns once the latest change id passes
    /// <paramref name="after"/>, checking when this instance commits a change (<see cref="NotifyChangesCommitted"/>) and
    /// every <see cref="MemoryStoreOptions.ChangePollInterval"/> for other instances' changes.
    /// </summary>
    protected Task PollForChangesAsync(long after, CancellationToken cancellationToken) =>
        PollForChangesAsync(after, async token => await GetLatestChangeIdCoreAsync(token).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// <see cref="PollForChangesAsync(long, CancellationToken)"/> with the backend's own check of the latest id (a cheaper
    /// query on a dedicated connection, say); a check that returns null could not tell, and the wait returns early.
    /// </summary>
    protected async Task PollForChangesAsync(long after, Func<CancellationToken, Task<long?>> latestChangeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latestChangeId);
        while (true)
        {
            var committed = Volatile.Read(ref _committed).Task; // taken before the read, so a commit in between is not missed
            if (await latestChangeId(cancellationToken).ConfigureAwait(false) is not { } latest || latest > after)
            {
                return;
            }

            try
            {
                // Real time, not Options.TimeProvider: other processes commit in real time.
                await committed.WaitAsync(Options.ChangePollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // poll again
            }
        }
    }

    // Disposing the store ends its watchers with ObjectDisposedException instead of leaving them waiting.
    private async Task WaitForChangesAsync(long position, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        try
        {
            await WaitForChangesCoreAsync(position, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ThrowIfDisposed();
            throw;
        }
    }

    // Called once, when the store is marked disposed.
    private void EndWatchers()
    {
        try
        {
            _disposing.Cancel();
        }
        catch (AggregateException)
        {
            // a watcher's registration threw while being cancelled: it ends anyway
        }
    }

    /// <summary>The id of the latest change in the feed (0 when there is none): watch after it to see only what comes next.</summary>
    public Task<long> GetLatestChangeIdAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return GetLatestChangeIdCoreAsync(cancellationToken);
    }

    /// <summary>Implements <see cref="GetLatestChangeIdAsync"/>: the highest change id committed, 0 when none.</summary>
    protected abstract Task<long> GetLatestChangeIdCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One read of the feed for <see cref="WatchAsync"/>: the events after <paramref name="after"/> (item changes under
    /// <paramref name="namespacePrefix"/> and every erasure), ascending, at most <paramref name="limit"/>, and how far
    /// the read got (see <see cref="MemoryChangePage.Through"/>).
    /// </summary>
    protected abstract Task<MemoryChangePage> ReadChangesCoreAsync(
        MemoryNamespace namespacePrefix, long after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the feed may hold a change after <paramref name="after"/>, written by this instance or any other
    /// (it may return early; <see cref="WatchAsync"/> then reads again and waits again). It must not miss a change
    /// that committed before it was called. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    protected abstract Task WaitForChangesCoreAsync(long after, CancellationToken cancellationToken);
}
