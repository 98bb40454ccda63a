namespace Checkpoint.Storage;

/// <summary>
/// Stores checkpoints, their blob chunks and pending writes. Every saver passes the shared
/// conformance suite (tests/Checkpoint.Conformance). Savers store bytes only: never live objects.
/// </summary>
public abstract class CheckpointSaver : IAsyncDisposable
{
    /// <summary>
    /// The checkpoint <paramref name="checkpointId"/> of the thread, or its latest checkpoint in
    /// <paramref name="checkpointNamespace"/> when the id is null; null when there is none.
    /// </summary>
    public abstract Task<CheckpointTuple?> GetAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint with this id, whatever its thread; null when there is none.</summary>
    public abstract Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints matching the filter, newest first, streamed.</summary>
    public abstract IAsyncEnumerable<CheckpointTuple> ListAsync(
        CheckpointFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a checkpoint and the new blob chunks it references, atomically. Chunks that already
    /// exist (same thread, namespace, blob id and sequence) are left as they are.
    /// </summary>
    public abstract Task PutAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves writes of one task against a checkpoint. Idempotent: a write with the same
    /// (checkpoint, task id, index) replaces the stored one.
    /// </summary>
    public abstract Task PutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored chunks of the given runs (for each run, the chunks of its blob with a sequence
    /// below its end), in run order then sequence order.
    /// </summary>
    public abstract Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes every checkpoint, chunk and write of the thread, in every namespace. A missing thread is a no-op.</summary>
    public abstract Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies every checkpoint, chunk and write of <paramref name="sourceThreadId"/> to
    /// <paramref name="targetThreadId"/> (which must be empty). Copies get new checkpoint ids, in
    /// the same order, with parents remapped, so an id still finds exactly one checkpoint.
    /// </summary>
    public abstract Task CopyThreadAsync(
        string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the checkpoints the policy does not keep, their writes, and every chunk no kept
    /// checkpoint references. Returns the number of checkpoints deleted.
    /// </summary>
    public abstract Task<int> PruneAsync(
        string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
