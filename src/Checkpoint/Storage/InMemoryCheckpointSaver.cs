using System.Runtime.CompilerServices;
using Checkpoint.Serialization;

namespace Checkpoint.Storage;

/// <summary>
/// A saver that keeps everything in process memory, for tests and ephemeral runs. Like every
/// saver it stores bytes only (encoded record bodies, copies of chunk and write bytes), never the
/// live objects it was given, so changing an object after a put cannot change what is read back.
/// Thread-safe: every operation runs under one lock.
/// </summary>
public sealed partial class InMemoryCheckpointSaver : CheckpointSaver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, StoredCheckpoint> _byId = [];
    private readonly Dictionary<string, Dictionary<string, NamespaceData>> _threads = new(StringComparer.Ordinal);
    private readonly InMemoryCheckpointSaverOptions _options;

    /// <summary>Creates an empty saver whose bytes are made by <paramref name="serializer"/> (null for <see cref="CheckpointSerializer.Default"/>).</summary>
    public InMemoryCheckpointSaver(CheckpointSerializer? serializer = null)
        : this(new InMemoryCheckpointSaverOptions { Serializer = serializer })
    {
    }

    /// <summary>Creates an empty saver with explicit options (serializer, chunk cache, thread time to live, clock).</summary>
    public InMemoryCheckpointSaver(InMemoryCheckpointSaverOptions options)
        : base(options?.Serializer, options?.ChunkCacheBytes ?? DefaultChunkCacheBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        _ = CheckThreadTimeToLive(
            options.ThreadTimeToLive, $"{nameof(InMemoryCheckpointSaverOptions)}.{nameof(InMemoryCheckpointSaverOptions.ThreadTimeToLive)}");
        _options = options;
    }

    /// <summary>A saver over this saver's storage with another serializer, as if the process restarted with other keys (tests).</summary>
    internal InMemoryCheckpointSaver Reopen(CheckpointSerializer serializer) => new(_options with { Serializer = serializer }, this);

    /// <summary>Every blob this saver stores, as stored: checkpoint bodies, chunks, pending write values (tests scan them).</summary>
    internal IReadOnlyList<byte[]> StoredBlobs()
    {
        lock (_gate)
        {
            return [.. _threads.Values.SelectMany(namespaces => namespaces.Values).SelectMany(data =>
                data.Checkpoints.Values.Select(stored => stored.Body)
                    .Concat(data.Chunks.Values.SelectMany(blob => blob.Values))
                    .Concat(data.Writes.Values.SelectMany(writes => writes.Values).Select(write => write.Value)))];
        }
    }

    private InMemoryCheckpointSaver(InMemoryCheckpointSaverOptions options, InMemoryCheckpointSaver shared)
        : this(options)
    {
        (_gate, _byId, _threads, _touched) = (shared._gate, shared._byId, shared._threads, shared._touched);
    }

    /// <inheritdoc />
    protected override Task<CheckpointTuple?> GetCoreAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken) =>
        Run<CheckpointTuple?>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                var data = FindLiveNamespace(threadId, checkpointNamespace);
                if (data is null)
                {
                    return null;
                }

                StoredCheckpoint? stored;
                if (checkpointId is { } id)
                {
                    data.Checkpoints.TryGetValue(id, out stored);
                }
                else
                {
                    stored = data.Checkpoints.Count == 0 ? null : data.Checkpoints.Values[^1];
                }

                return stored is null ? null : ToTuple(stored, data);
            }
        });

    /// <inheritdoc />
    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken) =>
        Run<CheckpointTuple?>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                return _byId.TryGetValue(checkpointId, out var stored) && IsLive(stored.ThreadId)
                    ? ToTuple(stored, _threads[stored.ThreadId][stored.Namespace])
                    : null;
            }
        });

    /// <inheritdoc />
    protected override IAsyncEnumerable<CheckpointTuple> ListCoreAsync(
        CheckpointFilter filter, CancellationToken cancellationToken)
    {
        return ListStoredAsync(filter, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken) =>
        Run<IReadOnlyList<BlobChunk>>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = new List<BlobChunk>();
            lock (_gate)
            {
                var data = FindLiveNamespace(threadId, checkpointNamespace);
                if (data is null)
                {
                    return result;
                }

                foreach (var run in runs)
                {
                    if (!data.Chunks.TryGetValue(run.BlobId, out var blob))
                    {
                        continue;
                    }

                    // From the chunk holding the run's first item (the last one at or before it) to the run's end.
                    var first = blob.Keys.LastOrDefault(sequence => sequence <= run.Start);
                    foreach (var (sequence, bytes) in blob)
                    {
                        if (sequence >= run.End)
                        {
                            break;
                        }

                        if (sequence < first)
                        {
                            continue;
                        }

                        result.Add(new BlobChunk(run.BlobId, sequence, (byte[])bytes.Clone()));
                    }
                }
            }

            return result;
        });



    private async IAsyncEnumerable<CheckpointTuple> ListStoredAsync(
        CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var limit = filter.Limit ?? int.MaxValue;
        var results = new List<CheckpointTuple>();
        if (limit > 0)
        {
            lock (_gate)
            {
                var candidates = new List<(StoredCheckpoint Stored, NamespaceData Data)>();
                foreach (var (threadId, namespaces) in _threads)
                {
                    if ((filter.ThreadId is not null && filter.ThreadId != threadId) || !IsLive(threadId))
                    {
                        continue;
                    }

                    foreach (var (checkpointNamespace, data) in namespaces)
                    {
                        if (filter.Namespace is not null && filter.Namespace != checkpointNamespace)
                        {
                            continue;
                        }

                        foreach (var stored in data.Checkpoints.Values)
                        {
                            if (filter.Before is not { } before || CheckpointIdComparer.Instance.Compare(stored.Id, before) < 0)
                            {
                                candidates.Add((stored, data));
                            }
                        }
                    }
                }

                candidates.Sort((x, y) => CheckpointIdComparer.Instance.Compare(y.Stored.Id, x.Stored.Id));
                foreach (var (stored, data) in candidates)
                {
                    var tuple = ToTuple(stored, data);
                    if (MetadataFilter.Matches(tuple.Checkpoint.Metadata, filter.Metadata))
                    {
                        results.Add(tuple);
                        if (results.Count >= limit)
                        {
                            break;
                        }
                    }
                }
            }
        }

        foreach (var tuple in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return tuple;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
