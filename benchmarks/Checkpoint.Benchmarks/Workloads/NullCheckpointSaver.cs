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
    protected override Task<CheckpointTuple?> GetCoreAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken) =>
        Task.FromResult<CheckpointTuple?>(null);

    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken) =>
        Task.FromResult<CheckpointTuple?>(null);

    protected override async IAsyncEnumerable<CheckpointTuple> ListCoreAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected override Task PutWritesCoreAsync(string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected override Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BlobChunk>>([]);

    protected override Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override Task CopyThreadCoreAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override Task<int> PruneCoreAsync(string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken) => Task.FromResult(0);

    protected override Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
