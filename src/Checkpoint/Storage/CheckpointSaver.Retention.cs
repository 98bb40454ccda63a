using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Checkpoint.Storage;

/// <content>Thread listing and the retention sweep over every thread.</content>
public abstract partial class CheckpointSaver
{
    /// <summary>The default page size of <see cref="ListThreadsAsync"/>.</summary>
    public const int DefaultThreadPageSize = 500;

    /// <summary>At most this many failures are listed in a <see cref="RetentionSweepSummary"/> (all are counted).</summary>
    public const int MaxListedSweepFailures = 100;

    /// <summary>The clock of <see cref="PruneAsync(string, RetentionPolicy, CancellationToken)"/>'s age rule: the saver's own when it has one.</summary>
    protected virtual TimeProvider RetentionClock => TimeProvider.System;

    /// <summary>
    /// The ids of the threads that have at least one checkpoint, in ordinal order, streamed: the saver reads
    /// them <paramref name="pageSize"/> at a time. Pass the last id seen as <paramref name="after"/> to go on
    /// from there (a later call, another process). Threads created or deleted meanwhile may or may not appear.
    /// </summary>
    public IAsyncEnumerable<string> ListThreadsAsync(
        string? after = null, int pageSize = DefaultThreadPageSize, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        return ListThreadPagesAsync(after, pageSize, cancellationToken);
    }

    /// <summary>
    /// Prunes every thread of the saver with <paramref name="policy"/>, one thread at a time, reporting the
    /// counts so far to <paramref name="progress"/> after each thread. A thread whose prune fails is counted
    /// and listed in the summary and the sweep goes on; cancellation stops it. The age rule measures from
    /// <paramref name="timeProvider"/> (default: <see cref="RetentionClock"/>).
    /// </summary>
    public Task<RetentionSweepSummary> SweepAsync(
        RetentionPolicy policy, IProgress<RetentionSweepProgress>? progress = null, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(policy);
        return SweepCoreAsync(policy, progress, timeProvider ?? RetentionClock, cancellationToken);
    }

    /// <summary>
    /// Implements <see cref="ListThreadsAsync"/>: up to <paramref name="limit"/> thread ids greater (ordinal)
    /// than <paramref name="after"/> (all when null), in ordinal order, among threads with a checkpoint.
    /// </summary>
    protected abstract Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken);

    private async IAsyncEnumerable<string> ListThreadPagesAsync(
        string? after, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await ListThreadsCoreAsync(after, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var threadId in page)
            {
                yield return threadId;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    private async Task<RetentionSweepSummary> SweepCoreAsync(
        RetentionPolicy policy, IProgress<RetentionSweepProgress>? progress, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var (threads, pruned, deleted) = (0, 0, 0L);
        var failures = new List<RetentionSweepFailure>();
        var failed = 0;
        await foreach (var threadId in ListThreadsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            threads++;
            try
            {
                var count = await PruneAsync(threadId, policy, timeProvider, cancellationToken).ConfigureAwait(false);
                deleted += count;
                pruned += count > 0 ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One bad thread (a corrupt record, a store hiccup) must not stop the sweep of the others.
                failed++;
                if (failures.Count < MaxListedSweepFailures)
                {
                    failures.Add(new RetentionSweepFailure(threadId, exception));
                }
            }

            progress?.Report(new RetentionSweepProgress(threads, pruned, deleted, failed, threadId));
        }

        Debug.Assert(failures.Count <= failed, "Every listed failure is counted.");
        return new RetentionSweepSummary(threads, pruned, deleted, failed, failures, timeProvider.GetElapsedTime(started));
    }
}
