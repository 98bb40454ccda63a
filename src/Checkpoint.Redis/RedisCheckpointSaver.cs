using System.Globalization;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// A <see cref="CheckpointSaver"/> on Redis (StackExchange.Redis). Every put is one Lua script, so
/// it is atomic: the Continue conflict check, chunks, record, indexes, consumed writes and TTL
/// refresh happen together or not at all. A thread has a constant number of keys (its namespaces and
/// checkpoints are fields), so a TTL refresh is a constant number of <c>PEXPIRE</c>s. Needs a
/// standalone (or replicated) Redis: the scripts touch keys of the thread and the global index, so
/// Redis Cluster is not supported.
/// </summary>
public sealed partial class RedisCheckpointSaver : CheckpointSaver
{
    private const int PageSize = 64;
    private const int MaxAttempts = 8;

    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly long _ttlMilliseconds;
    private bool _ownsConnection;
    private readonly ILogger? _logger;

    /// <summary>Creates a saver on a connection it does not own (disposing the saver leaves it open).</summary>
    /// <param name="connection">The Redis connection; the saver uses its default database.</param>
    /// <param name="options">Key prefix, thread TTL and serializer; null for the defaults.</param>
    public RedisCheckpointSaver(IConnectionMultiplexer connection, RedisCheckpointSaverOptions? options = null)
        : base(options?.Serializer, options?.ChunkCacheBytes ?? DefaultChunkCacheBytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? new RedisCheckpointSaverOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(Options.KeyPrefix, nameof(options));
        if (Options.ThreadTimeToLive is { } ttl)
        {
            _ = CheckThreadTimeToLive(ttl, $"{nameof(RedisCheckpointSaverOptions)}.{nameof(RedisCheckpointSaverOptions.ThreadTimeToLive)}");
            _ttlMilliseconds = Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
        }

        _connection = connection;
        _db = connection.GetDatabase();
        _keys = new RedisKeys(Options.KeyPrefix);
        if (Options.LoggerFactory is { } loggers)
        {
            // StackExchange.Redis reconnects by itself: these events are where a reconnect happens.
            _logger = loggers.CreateLogger<RedisCheckpointSaver>();
            connection.ConnectionFailed += OnConnectionFailed;
            connection.ConnectionRestored += OnConnectionRestored;
        }
    }

    /// <summary>The options the saver was created with.</summary>
    public RedisCheckpointSaverOptions Options { get; }

    /// <summary>
    /// Connects to Redis with a StackExchange.Redis configuration string (<c>"localhost:6379"</c>, with options such as
    /// <c>",password=...,ssl=true"</c>) and returns a saver that owns the connection: disposing the saver closes it.
    /// </summary>
    public static async Task<RedisCheckpointSaver> ConnectAsync(string configuration, RedisCheckpointSaverOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        try
        {
            return new RedisCheckpointSaver(connection, options) { _ownsConnection = true };
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        var first = MarkDisposed();
        if (first && _logger is not null)
        {
            _connection.ConnectionFailed -= OnConnectionFailed;
            _connection.ConnectionRestored -= OnConnectionRestored;
        }

        if (first && _ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Redis expires the thread's keys itself (on the server's clock), so
    /// <see cref="CheckpointSaver.PurgeExpiredThreadsAsync"/> has nothing to delete and returns 0.
    /// </remarks>
    public override TimeSpan? ThreadTimeToLive => Options.ThreadTimeToLive;

    /// <inheritdoc />
    protected override string StoreDescription =>
        $"{string.Join(",", _connection.GetEndPoints().Select(e => e.ToString()))}, key prefix '{Options.KeyPrefix}'";

    private RedisValue Ttl => _ttlMilliseconds;

    /// <inheritdoc />
    protected override async Task PutCoreAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var threadBase = _keys.ThreadBase(checkpoint.ThreadId);
        RedisKey[] keys =
        [
            _keys.Index, _keys.IndexByThread, _keys.Threads,
            RedisKeys.Namespaces(threadBase), RedisKeys.Ids(threadBase), RedisKeys.Records(threadBase),
            RedisKeys.Children(threadBase), RedisKeys.Chunks(threadBase), RedisKeys.ChunkIndex(threadBase),
            RedisKeys.Writes(threadBase), RedisKeys.WriteIndex(threadBase),
        ];
        var blocks = newChunks.Where(chunk => chunk.ReplacesUntil is not null).ToList();
        var args = new RedisValue[10 + (2 * newChunks.Count) + blocks.Count];
        args[0] = _keys.Prefix;
        args[1] = threadBase;
        args[2] = RedisKeys.Encode(checkpoint.ThreadId);
        args[3] = RedisKeys.Encode(checkpoint.Namespace);
        args[4] = mode == PutMode.Continue ? "c" : "b";
        args[5] = RedisKeys.Hex(checkpoint.Id);
        args[6] = checkpoint.ParentId is { } parent ? RedisKeys.Hex(parent) : "";
        args[7] = CheckpointRecordCodec.Encode(checkpoint, Serializer);
        args[8] = Ttl;
        args[9] = blocks.Count;
        var next = 10;
        foreach (var block in blocks)
        {
            args[next++] = RedisKeys.ChunkField(block.BlobId, block.Sequence);
            args[next++] = RedisKeys.ChunkField(block.BlobId, block.ReplacesUntil!.Value);
            args[next++] = block.Data;
        }

        foreach (var chunk in newChunks.Where(chunk => chunk.ReplacesUntil is null))
        {
            args[next++] = RedisKeys.ChunkField(chunk.BlobId, chunk.Sequence);
            args[next++] = chunk.Data;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var reply = (string?)await _db.ScriptEvaluateAsync(RedisScripts.Put, keys, args).ConfigureAwait(false);
            if (reply is not null && reply.StartsWith("grouped|", StringComparison.Ordinal))
            {
                // a re-put of a grouped checkpoint: its group goes back to loose records first
                _ = await ReleaseGroupAsync(threadBase, (string)args[2]!, reply["grouped|".Length..], cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (reply == "ok" && Groups && checkpoint.Step > 0 && checkpoint.Step % RedisRecordGroups.Every == 0)
            {
                _ = await GroupOlderRecordsAsync(threadBase, (string)args[2]!, (string)args[3]!, all: false).ConfigureAwait(false);
            }

            ThrowUnlessStored(reply, checkpoint);
            return;
        }

        throw new InvalidOperationException($"Cannot put checkpoint {checkpoint.Id}: its record group kept changing during {MaxAttempts} attempts.");
    }

    private static void ThrowUnlessStored(string? reply, CheckpointRecord checkpoint)
    {
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
    protected override async Task PutWritesCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        var threadBase = _keys.ThreadBase(threadId);
        RedisKey[] keys =
        [
            _keys.Index, _keys.IndexByThread, _keys.Threads,
            RedisKeys.Namespaces(threadBase), RedisKeys.Writes(threadBase), RedisKeys.WriteIndex(threadBase),
        ];
        var args = new RedisValue[5 + (2 * writes.Count)];
        args[0] = _keys.Prefix;
        args[1] = threadBase;
        args[2] = RedisKeys.Encode(threadId);
        args[3] = RedisKeys.Encode(checkpointNamespace);
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
    protected override async Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        var threadBase = _keys.ThreadBase(threadId);
        RedisKey[] keys = [RedisKeys.Chunks(threadBase), RedisKeys.ChunkIndex(threadBase)];
        var args = new RedisValue[1 + (3 * runs.Count)];
        args[0] = RedisKeys.Encode(checkpointNamespace);
        for (var i = 0; i < runs.Count; i++)
        {
            args[1 + (3 * i)] = RedisKeys.Hex(runs[i].BlobId);
            args[2 + (3 * i)] = Math.Max(0, runs[i].Start).ToString("D10", CultureInfo.InvariantCulture);
            args[3 + (3 * i)] = Math.Max(0, runs[i].End).ToString("D10", CultureInfo.InvariantCulture);
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
