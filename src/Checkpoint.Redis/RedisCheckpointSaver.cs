using System.Globalization;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// A <see cref="CheckpointSaver"/> on Redis (StackExchange.Redis). Every put is one Lua script, so
/// it is atomic: the Continue conflict check, chunks, record, indexes, consumed writes and TTL
/// refresh happen together or not at all. Needs a standalone (or replicated) Redis: the scripts
/// touch keys of the thread and the global checkpoint keys, so Redis Cluster is not supported.
/// </summary>
public sealed partial class RedisCheckpointSaver : CheckpointSaver
{
    private const int PageSize = 64;
    private const int MaxAttempts = 8;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly CheckpointSerializer _serializer;
    private readonly long _ttlMilliseconds;

    /// <summary>Creates a saver on a connection it does not own (disposing the saver leaves it open).</summary>
    /// <param name="connection">The Redis connection; the saver uses its default database.</param>
    /// <param name="options">Key prefix, thread TTL and serializer; null for the defaults.</param>
    public RedisCheckpointSaver(IConnectionMultiplexer connection, RedisCheckpointSaverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? new RedisCheckpointSaverOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(Options.KeyPrefix, nameof(options));
        if (Options.ThreadTimeToLive is { } ttl)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(options));
            _ttlMilliseconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
        }

        _db = connection.GetDatabase();
        _keys = new RedisKeys(Options.KeyPrefix);
        _serializer = Options.Serializer ?? CheckpointSerializer.Default;
    }

    /// <summary>The options the saver was created with.</summary>
    public RedisCheckpointSaverOptions Options { get; }

    private RedisValue Ttl => _ttlMilliseconds;

    /// <inheritdoc />
    public override async Task PutAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(newChunks);
        if (mode is not (PutMode.Continue or PutMode.Branch))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown put mode.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var threadBase = _keys.ThreadBase(checkpoint.ThreadId);
        var encodedNs = RedisKeys.Encode(checkpoint.Namespace);
        var nsBase = RedisKeys.NamespaceBase(threadBase, encodedNs);
        RedisKey[] keys =
        [
            _keys.Checkpoint(checkpoint.Id), RedisKeys.Ids(nsBase), RedisKeys.Children(nsBase),
            RedisKeys.Chunks(nsBase), RedisKeys.ChunkIndex(nsBase), RedisKeys.Writes(nsBase),
            RedisKeys.WriteIndex(nsBase), RedisKeys.Namespaces(threadBase), _keys.Threads,
        ];
        var args = new RedisValue[11 + (2 * newChunks.Count)];
        args[0] = _keys.Prefix;
        args[1] = threadBase;
        args[2] = encodedNs;
        args[3] = RedisKeys.Encode(checkpoint.ThreadId);
        args[4] = mode == PutMode.Continue ? "c" : "b";
        args[5] = RedisKeys.Hex(checkpoint.Id);
        args[6] = checkpoint.ParentId is { } parent ? RedisKeys.Hex(parent) : "";
        args[7] = checkpoint.ThreadId;
        args[8] = checkpoint.Namespace;
        args[9] = CheckpointRecordCodec.Encode(checkpoint, _serializer);
        args[10] = Ttl;
        for (var i = 0; i < newChunks.Count; i++)
        {
            var chunk = newChunks[i] ?? throw new ArgumentException("A chunk is null.", nameof(newChunks));
            ArgumentOutOfRangeException.ThrowIfNegative(chunk.Sequence, nameof(newChunks));
            args[11 + (2 * i)] = RedisKeys.ChunkField(chunk.BlobId, chunk.Sequence);
            args[12 + (2 * i)] = chunk.Data;
        }

        var reply = (string?)await _db.ScriptEvaluateAsync(RedisScripts.Put, keys, args).ConfigureAwait(false);
        switch (reply)
        {
            case "ok":
                return;
            case "conflict":
                throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
            case "duplicate":
                throw new InvalidOperationException(
                    $"Checkpoint {checkpoint.Id} already exists with another thread, namespace or parent.");
            default:
                throw new InvalidOperationException($"Unexpected reply from the put script: '{reply}'.");
        }
    }

    /// <inheritdoc />
    public override async Task PutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(writes);
        cancellationToken.ThrowIfCancellationRequested();
        if (writes.Count == 0)
        {
            return;
        }

        var threadBase = _keys.ThreadBase(threadId);
        var encodedNs = RedisKeys.Encode(checkpointNamespace);
        var nsBase = RedisKeys.NamespaceBase(threadBase, encodedNs);
        RedisKey[] keys = [RedisKeys.Writes(nsBase), RedisKeys.WriteIndex(nsBase), RedisKeys.Namespaces(threadBase), _keys.Threads];
        var args = new RedisValue[5 + (2 * writes.Count)];
        args[0] = _keys.Prefix;
        args[1] = threadBase;
        args[2] = encodedNs;
        args[3] = RedisKeys.Encode(threadId);
        args[4] = Ttl;
        var checkpointHex = RedisKeys.Hex(checkpointId);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i] ?? throw new ArgumentException("A write is null.", nameof(writes));
            args[5 + (2 * i)] = RedisKeys.WriteField(checkpointHex, write.TaskId, write.Index);
            args[6 + (2 * i)] = WriteCodec.Encode(write);
        }

        _ = await _db.ScriptEvaluateAsync(RedisScripts.PutWrites, keys, args).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(runs);
        cancellationToken.ThrowIfCancellationRequested();
        if (runs.Count == 0)
        {
            return [];
        }

        var nsBase = RedisKeys.NamespaceBase(_keys.ThreadBase(threadId), RedisKeys.Encode(checkpointNamespace));
        RedisKey[] keys = [RedisKeys.Chunks(nsBase), RedisKeys.ChunkIndex(nsBase)];
        var args = new RedisValue[2 * runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            args[2 * i] = RedisKeys.Hex(runs[i].BlobId);
            args[(2 * i) + 1] = Math.Max(0, runs[i].End).ToString("D10", CultureInfo.InvariantCulture);
        }

        var reply = await _db.ScriptEvaluateAsync(RedisScripts.ReadChunks, keys, args)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var chunks = new List<BlobChunk>();
        var perRun = (RedisResult[])reply!;
        for (var r = 0; r < perRun.Length; r++)
        {
            var pairs = (RedisResult[])perRun[r]!;
            for (var i = 0; i < pairs.Length; i += 2)
            {
                var field = (string)pairs[i]!;
                var sequence = int.Parse(field.AsSpan(33), NumberStyles.None, CultureInfo.InvariantCulture);
                chunks.Add(new BlobChunk(runs[r].BlobId, sequence, (byte[])pairs[i + 1]!));
            }
        }

        return chunks;
    }
}
