using Checkpoint.Serialization;

namespace Checkpoint.Storage;

/// <summary>
/// Stores checkpoints, their blob chunks and pending writes. Every saver passes the shared
/// conformance suite (tests/Checkpoint.Conformance). Savers store bytes only: never live objects.
/// The public methods check their arguments here, once for every saver, and call the protected
/// <c>…CoreAsync</c> methods a saver implements.
/// </summary>
public abstract partial class CheckpointSaver : IAsyncDisposable
{
    /// <summary>The default <see cref="ChunkCacheBytes"/>: 32 MiB.</summary>
    public const long DefaultChunkCacheBytes = 32L * 1024 * 1024;

    private int _disposed;

    /// <summary>Creates a saver whose stored bytes are made by <paramref name="serializer"/> (null for the default).</summary>
    protected CheckpointSaver(CheckpointSerializer? serializer = null)
        : this(serializer, DefaultChunkCacheBytes)
    {
    }

    /// <summary>
    /// Creates a saver whose stored bytes are made by <paramref name="serializer"/> (null for the default),
    /// keeping up to <paramref name="chunkCacheBytes"/> of read chunks in memory (0 disables the cache).
    /// </summary>
    protected CheckpointSaver(CheckpointSerializer? serializer, long chunkCacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkCacheBytes);
        Serializer = serializer ?? CheckpointSerializer.Default;
        ChunkContents = new ChunkContentCache(chunkCacheBytes);
    }

    /// <summary>
    /// How this saver's bytes are made: compression and encryption of checkpoint records, chunks and
    /// pending writes. A graph compiled on the saver uses it for every blob, so the encryption key is
    /// set in one place, on the saver's options.
    /// </summary>
    public CheckpointSerializer Serializer { get; }

    /// <summary>
    /// How many bytes of chunk content (unwrapped payloads and decoded immutable items) this saver keeps
    /// in process memory for snapshot reads, least recently used evicted first; 0 disables the cache.
    /// Chunks are immutable, so a snapshot whose chunks were read before costs one record read.
    /// With encryption on, the cache holds decrypted payloads (as every read's result does); set 0 to
    /// keep no plaintext between reads. Default <see cref="DefaultChunkCacheBytes"/>.
    /// </summary>
    public long ChunkCacheBytes
    {
        get => ChunkContents.CapacityBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ChunkContents = new ChunkContentCache(value);
        }
    }

    /// <summary>
    /// Drops every chunk this saver holds in its cache (see <see cref="ChunkCacheBytes"/>): memory is freed,
    /// and the next read of each snapshot reads its chunks from storage again (a cold read).
    /// </summary>
    public void ClearChunkCache() => ChunkContents.Clear();

    /// <summary>The chunk content read through this saver, shared by snapshot reads (see <see cref="ChunkCacheBytes"/>).</summary>
    internal ChunkContentCache ChunkContents { get; private init; }

    /// <summary>
    /// The checkpoint <paramref name="checkpointId"/> of the thread, or its latest checkpoint in
    /// <paramref name="checkpointNamespace"/> when the id is null; null when there is none.
    /// </summary>
    public Task<CheckpointTuple?> GetAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        return SaverCall.Observed
            ? TracedGetAsync(threadId, checkpointNamespace, checkpointId, cancellationToken)
            : GetCoreAsync(threadId, checkpointNamespace, checkpointId, cancellationToken);
    }

    /// <summary>The checkpoint with this id, whatever its thread; null when there is none.</summary>
    public Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return SaverCall.Observed ? TracedGetByIdAsync(checkpointId, cancellationToken) : GetByIdCoreAsync(checkpointId, cancellationToken);
    }

    /// <summary>Checkpoints matching the filter, newest first, streamed.</summary>
    public IAsyncEnumerable<CheckpointTuple> ListAsync(CheckpointFilter filter, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(filter);
        return SaverCall.Observed ? TracedListAsync(filter, cancellationToken) : ListCoreAsync(filter, cancellationToken);
    }

    /// <summary>
    /// Stores a checkpoint and the new blob chunks it references, atomically. Chunks that already
    /// exist (same thread, namespace, blob id and sequence) are left as they are, except that a block
    /// (<see cref="BlobChunk.ReplacesUntil"/> set) replaces the chunks of its range.
    /// </summary>
    public Task PutAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.ThreadId, nameof(checkpoint));
        ArgumentNullException.ThrowIfNull(checkpoint.Namespace, nameof(checkpoint));
        ArgumentNullException.ThrowIfNull(newChunks);
        if (mode is not (PutMode.Continue or PutMode.Branch))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown put mode.");
        }

        foreach (var chunk in newChunks)
        {
            ArgumentNullException.ThrowIfNull(chunk, nameof(newChunks));
            ArgumentNullException.ThrowIfNull(chunk.Data, nameof(newChunks));
            ArgumentOutOfRangeException.ThrowIfNegative(chunk.Sequence, nameof(newChunks));
            if (chunk.ReplacesUntil is { } until && until <= chunk.Sequence)
            {
                throw new ArgumentOutOfRangeException(nameof(newChunks), until, "A block's ReplacesUntil must be past its sequence.");
            }
        }

        return SaverCall.Observed ? TracedPutAsync(checkpoint, newChunks, mode, cancellationToken) : PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
    }

    /// <summary>
    /// Saves writes of one task against a checkpoint. Idempotent: a write with the same
    /// (checkpoint, task id, index) replaces the stored one.
    /// </summary>
    public Task PutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            ArgumentNullException.ThrowIfNull(write, nameof(writes));
        }

        return writes.Count == 0
            ? Task.CompletedTask
            : SaverCall.Observed
                ? TracedPutWritesAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken)
                : PutWritesCoreAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken);
    }

    /// <summary>
    /// The stored chunks of the given runs, in run order then sequence order: for each run, the chunks of
    /// its blob from the one holding the run's first item (the last chunk at or before
    /// <see cref="BlobRun.Start"/>) to the last one starting below its end. A chunk may hold many items
    /// (a repacked block), so the first may start before the run and the last may reach past it.
    /// </summary>
    public Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(runs);
        return runs.Count == 0
            ? Task.FromResult<IReadOnlyList<BlobChunk>>([])
            : ReadChunksCoreAsync(threadId, checkpointNamespace, runs, cancellationToken);
    }

    /// <summary>Deletes every checkpoint, chunk and write of the thread, in every namespace. A missing thread is a no-op.</summary>
    public Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        return ForgettingThreadAsync(threadId, DeleteThreadCoreAsync(threadId, cancellationToken));
    }

    /// <summary>
    /// Copies every checkpoint, chunk and write of <paramref name="sourceThreadId"/> to
    /// <paramref name="targetThreadId"/> (which must be empty). Copies get new checkpoint ids, in
    /// the same order, with parents remapped, so an id still finds exactly one checkpoint. With
    /// encryption on, every blob is bound to its thread and checkpoint, so the copy decrypts and
    /// re-encrypts each one for its new place (this also re-encrypts legacy blobs read in
    /// <see cref="SerializerOptions.ReadLegacyBlobs"/> mode: copying is how a thread is migrated).
    /// </summary>
    public Task CopyThreadAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(sourceThreadId);
        ArgumentNullException.ThrowIfNull(targetThreadId);
        return ForgettingThreadAsync(targetThreadId, Serializer.Encrypts
            ? CopyThreadReencryptingAsync(sourceThreadId, targetThreadId, cancellationToken)
            : CopyThreadCoreAsync(sourceThreadId, targetThreadId, cancellationToken));
    }

    /// <summary>
    /// Deletes the checkpoints the policy does not keep (per namespace; see <see cref="RetentionEvaluator"/>),
    /// their writes, and every chunk no remaining checkpoint references. Returns the number of checkpoints
    /// deleted. The age rule measures from <see cref="RetentionClock"/>. Safe to run while the thread is
    /// being written: a checkpoint put meanwhile is never deleted and never loses a chunk.
    /// </summary>
    public Task<int> PruneAsync(string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default) =>
        PruneAsync(threadId, policy, RetentionClock, cancellationToken);

    /// <summary>
    /// <see cref="PruneAsync(string, RetentionPolicy, CancellationToken)"/> with the age rule measured from
    /// <paramref name="timeProvider"/>.
    /// </summary>
    public Task<int> PruneAsync(string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return ForgettingThreadAsync(threadId, PruneCoreAsync(threadId, policy, timeProvider, cancellationToken));
    }

    /// <summary>
    /// Marks the saver disposed: every later call throws <see cref="ObjectDisposedException"/>
    /// naming it. Savers that own connections override this, call <see cref="MarkDisposed"/> first
    /// and close them.
    /// </summary>
    public virtual ValueTask DisposeAsync()
    {
        _ = MarkDisposed();
        ChunkContents.Clear();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Drops the cached chunks of a thread once a maintenance operation on it ends, however it ends:
    /// its chunks may be gone, and a later writer may store different content under a key they had.
    /// </summary>
    private async Task<T> ForgettingThreadAsync<T>(string threadId, Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        finally
        {
            ChunkContents.RemoveThread(threadId);
        }
    }

    private async Task ForgettingThreadAsync(string threadId, Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        finally
        {
            ChunkContents.RemoveThread(threadId);
        }
    }

    /// <summary>What the saver stores to, for messages (a file path, a host and database, a key prefix).</summary>
    protected virtual string StoreDescription => "in process";

    /// <summary>True once the saver is disposed.</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Marks the saver disposed; true the first time (the caller then releases its resources).</summary>
    protected bool MarkDisposed() => Interlocked.Exchange(ref _disposed, 1) == 0;

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> naming the saver type and its store when the saver
    /// is disposed (rather than an error about some inner semaphore, pool or connection).
    /// </summary>
    protected void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new ObjectDisposedException(
                $"{GetType().Name} ({StoreDescription})",
                $"This {GetType().Name} was disposed; create a new saver to use the store again.");
        }
    }

    /// <summary>Implements <see cref="GetAsync"/>; arguments are checked.</summary>
    protected abstract Task<CheckpointTuple?> GetCoreAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="GetByIdAsync"/>.</summary>
    protected abstract Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="ListAsync"/>; the filter is checked.</summary>
    protected abstract IAsyncEnumerable<CheckpointTuple> ListCoreAsync(CheckpointFilter filter, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="PutAsync"/>; the record and every chunk are checked.</summary>
    protected abstract Task PutCoreAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="PutWritesAsync"/>; called with at least one checked write.</summary>
    protected abstract Task PutWritesCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="ReadChunksAsync"/>; called with at least one run.</summary>
    protected abstract Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="DeleteThreadAsync"/>.</summary>
    protected abstract Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="CopyThreadAsync"/>.</summary>
    protected abstract Task CopyThreadCoreAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken);

    /// <summary>
    /// Implements <see cref="PruneAsync(string, RetentionPolicy, TimeProvider, CancellationToken)"/>: reads the
    /// summaries of the thread's checkpoints, deletes exactly the ids <see cref="RetentionEvaluator.Doomed"/>
    /// returns (for <paramref name="timeProvider"/>'s time) with their writes, and collects the chunks no
    /// remaining checkpoint references (<see cref="ChunkReferences"/>), atomically against concurrent puts.
    /// </summary>
    protected abstract Task<int> PruneCoreAsync(
        string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken);
}
