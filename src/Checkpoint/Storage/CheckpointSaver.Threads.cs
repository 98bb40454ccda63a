using System.Runtime.CompilerServices;

namespace Checkpoint.Storage;

/// <content>Threads with their latest state at a glance.</content>
public abstract partial class CheckpointSaver
{
    /// <summary>
    /// The threads (in ordinal order of their ids) with a summary of their latest checkpoint — step, time, next
    /// nodes, whether it waits on an interrupt, metadata — that pass <paramref name="query"/> (all when null). Every
    /// saver lists them alike: the ids page by page (<see cref="ListThreadsAsync"/>), then each thread's latest
    /// checkpoint, so a listing costs one read per thread; resume a long listing with <see cref="ThreadQuery.After"/>.
    /// </summary>
    public IAsyncEnumerable<ThreadSummary> ListThreadSummariesAsync(ThreadQuery? query = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return SummariesAsync(query ?? new ThreadQuery(), cancellationToken);
    }

    private async IAsyncEnumerable<ThreadSummary> SummariesAsync(ThreadQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var threadId in ListThreadsAsync(query.After, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // A thread deleted between the two reads is skipped.
            if (await GetAsync(threadId, "", null, cancellationToken).ConfigureAwait(false) is not { Checkpoint: var latest } tuple)
            {
                continue;
            }

            var summary = new ThreadSummary(
                threadId, latest.Id, latest.Step, latest.CreatedAt, Runtime.Successors.TaskNodes(latest), latest.Interrupts.Count > 0 || SpecialChannels.OpenInterrupts(tuple.PendingWrites).Any(), latest.Metadata);
            if (query.Matches(summary))
            {
                yield return summary;
            }
        }
    }
}
