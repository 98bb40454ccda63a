using System.Runtime.CompilerServices;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// The "no saver" baseline: accepts every put and discards it, finds nothing. The engine still
/// encodes every checkpoint (serialization, LZ4, envelopes), so wall time on it is the engine's
/// own cost and the difference to a real saver is the storage cost.
/// </summary>
public sealed class NullCheckpointSaver : CheckpointSaver
{
    public override Task<CheckpointTuple?> GetAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default) =>
        Task.FromResult<CheckpointTuple?>(null);

    public override Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default) =>
        Task.FromResult<CheckpointTuple?>(null);

    public override async IAsyncEnumerable<CheckpointTuple> ListAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public override Task PutAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    public override Task PutWritesAsync(string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    public override Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<BlobChunk>>([]);

    public override Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task CopyThreadAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<int> PruneAsync(string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default) => Task.FromResult(0);
}
