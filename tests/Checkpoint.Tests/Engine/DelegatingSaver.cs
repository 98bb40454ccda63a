using System.Runtime.CompilerServices;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Passes every call to a real saver; tests override one call to inject a fault.</summary>
public abstract class DelegatingSaver(CheckpointSaver inner) : CheckpointSaver
{
    public override Task<CheckpointTuple?> GetAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default) =>
        inner.GetAsync(threadId, checkpointNamespace, checkpointId, cancellationToken);

    public override Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default) =>
        inner.GetByIdAsync(checkpointId, cancellationToken);

    public override async IAsyncEnumerable<CheckpointTuple> ListAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var tuple in inner.ListAsync(filter, cancellationToken))
        {
            yield return tuple;
        }
    }

    public override Task PutAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken = default) =>
        inner.PutAsync(checkpoint, newChunks, mode, cancellationToken);

    public override Task PutWritesAsync(string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken = default) =>
        inner.PutWritesAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken);

    public override Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken = default) =>
        inner.ReadChunksAsync(threadId, checkpointNamespace, runs, cancellationToken);

    public override Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default) =>
        inner.DeleteThreadAsync(threadId, cancellationToken);

    public override Task CopyThreadAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default) =>
        inner.CopyThreadAsync(sourceThreadId, targetThreadId, cancellationToken);

    public override Task<int> PruneAsync(string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default) =>
        inner.PruneAsync(threadId, policy, cancellationToken);
}
