using System.Runtime.CompilerServices;
using Checkpoint.Storage;

namespace Checkpoint.Conformance;

/// <summary>
/// Passes every call to a real saver; tests override one call to inject a fault, or give it another
/// serializer (the graph then makes chunks and writes with that one, over the same storage).
/// </summary>
public class DelegatingSaver(CheckpointSaver inner, Serialization.CheckpointSerializer? serializer = null)
    : CheckpointSaver(serializer ?? inner.Serializer)
{
    protected override Task<CheckpointTuple?> GetCoreAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken) =>
        inner.GetAsync(threadId, checkpointNamespace, checkpointId, cancellationToken);

    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken) =>
        inner.GetByIdAsync(checkpointId, cancellationToken);

    protected override async IAsyncEnumerable<CheckpointTuple> ListCoreAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var tuple in inner.ListAsync(filter, cancellationToken))
        {
            yield return tuple;
        }
    }

    protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken) =>
        inner.PutAsync(checkpoint, newChunks, mode, cancellationToken);

    protected override Task PutWritesCoreAsync(string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken) =>
        inner.PutWritesAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken);

    protected override Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken) =>
        inner.ReadChunksAsync(threadId, checkpointNamespace, runs, cancellationToken);

    protected override Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken) =>
        inner.DeleteThreadAsync(threadId, cancellationToken);

    protected override Task CopyThreadCoreAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken) =>
        inner.CopyThreadAsync(sourceThreadId, targetThreadId, cancellationToken);

    protected override Task<int> PruneCoreAsync(string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        inner.PruneAsync(threadId, policy, timeProvider, cancellationToken);

    protected override async Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        var page = new List<string>();
        await foreach (var threadId in inner.ListThreadsAsync(after, limit, cancellationToken))
        {
            page.Add(threadId);
            if (page.Count == limit)
            {
                break;
            }
        }

        return page;
    }
}
