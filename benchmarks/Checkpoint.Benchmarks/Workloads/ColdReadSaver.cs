using System.Runtime.CompilerServices;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// Reads through another saver with the chunk cache off (<see cref="CheckpointSaver.ChunkCacheBytes"/> = 0):
/// every snapshot read fetches and decodes its chunks from storage, as a new process would. Read-only.
/// </summary>
public sealed class ColdReadSaver(CheckpointSaver inner) : CheckpointSaver(inner.Serializer, chunkCacheBytes: 0)
{
    protected override Task<CheckpointTuple?> GetCoreAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken) =>
        inner.GetAsync(threadId, checkpointNamespace, checkpointId, cancellationToken);

    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken) =>
        inner.GetByIdAsync(checkpointId, cancellationToken);

    protected override async IAsyncEnumerable<CheckpointTuple> ListCoreAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var tuple in inner.ListAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            yield return tuple;
        }
    }

    protected override Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken) =>
        inner.ReadChunksAsync(threadId, checkpointNamespace, runs, cancellationToken);

    protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cold reader does not write.");

    protected override Task PutWritesCoreAsync(string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cold reader does not write.");

    protected override Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cold reader does not write.");

    protected override Task CopyThreadCoreAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cold reader does not write.");

    protected override Task<int> PruneCoreAsync(string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        throw new NotSupportedException("A cold reader does not write.");

    protected override async Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<string>(limit);
        await foreach (var thread in inner.ListThreadsAsync(after, limit, cancellationToken).ConfigureAwait(false))
        {
            page.Add(thread);
            if (page.Count == limit)
            {
                break;
            }
        }

        return page;
    }
}
