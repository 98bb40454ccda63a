using System.Runtime.CompilerServices;
using Checkpoint.Serialization;

namespace Checkpoint.Storage;

/// <summary>
/// A saver that keeps everything in process memory, for tests and ephemeral runs. Like every
/// saver it stores bytes only (encoded record bodies, copies of chunk and write bytes), never the
/// live objects it was given, so changing an object after a put cannot change what is read back.
/// Thread-safe: every operation runs under one lock.
/// </summary>
public sealed class InMemoryCheckpointSaver : CheckpointSaver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, StoredCheckpoint> _byId = [];
    private readonly Dictionary<string, Dictionary<string, NamespaceData>> _threads = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override Task<CheckpointTuple?> GetAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default) =>
        Run<CheckpointTuple?>(() =>
        {
            ArgumentNullException.ThrowIfNull(threadId);
            ArgumentNullException.ThrowIfNull(checkpointNamespace);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                var data = FindNamespace(threadId, checkpointNamespace);
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
    public override Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default) =>
        Run<CheckpointTuple?>(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                return _byId.TryGetValue(checkpointId, out var stored)
                    ? ToTuple(stored, _threads[stored.ThreadId][stored.Namespace])
                    : null;
            }
        });

    /// <inheritdoc />
    public override IAsyncEnumerable<CheckpointTuple> ListAsync(
        CheckpointFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ListCoreAsync(filter, cancellationToken);
    }

    /// <inheritdoc />
    public override Task PutAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(checkpoint);
            ArgumentNullException.ThrowIfNull(newChunks);
            ArgumentNullException.ThrowIfNull(checkpoint.ThreadId);
            ArgumentNullException.ThrowIfNull(checkpoint.Namespace);
            cancellationToken.ThrowIfCancellationRequested();

            // Encode and copy outside the lock: from here on nothing refers to the caller's objects.
            var body = CheckpointRecordCodec.Encode(checkpoint);
            var chunks = new List<(Guid BlobId, int Sequence, byte[] Data)>(newChunks.Count);
            foreach (var chunk in newChunks)
            {
                ArgumentNullException.ThrowIfNull(chunk);
                chunks.Add((chunk.BlobId, chunk.Sequence, (byte[])chunk.Data.Clone()));
            }

            lock (_gate)
            {
                if (_byId.TryGetValue(checkpoint.Id, out var existing) &&
                    (existing.ThreadId != checkpoint.ThreadId || existing.Namespace != checkpoint.Namespace))
                {
                    throw new InvalidOperationException(
                        $"Checkpoint {checkpoint.Id} already exists in thread '{existing.ThreadId}' (namespace '{existing.Namespace}').");
                }

                var data = FindNamespace(checkpoint.ThreadId, checkpoint.Namespace);
                if (mode == PutMode.Continue && data is not null && HasOtherChild(data, checkpoint))
                {
                    throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
                }

                data ??= GetOrAddNamespace(checkpoint.ThreadId, checkpoint.Namespace);
                if (existing is not null)
                {
                    data.RemoveChild(existing.ParentId);
                }

                var stored = new StoredCheckpoint(checkpoint.Id, checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId, body);
                data.Checkpoints[checkpoint.Id] = stored;
                data.AddChild(checkpoint.ParentId);
                _byId[checkpoint.Id] = stored;

                foreach (var (blobId, sequence, bytes) in chunks)
                {
                    data.AddChunk(blobId, sequence, bytes);
                }

                if (mode == PutMode.Continue && checkpoint.ParentId is { } parentId)
                {
                    data.Writes.Remove(parentId);
                }
            }
        });

    /// <inheritdoc />
    public override Task PutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(threadId);
            ArgumentNullException.ThrowIfNull(checkpointNamespace);
            ArgumentNullException.ThrowIfNull(writes);
            cancellationToken.ThrowIfCancellationRequested();
            var copies = new List<StoredWrite>(writes.Count);
            foreach (var write in writes)
            {
                ArgumentNullException.ThrowIfNull(write);
                copies.Add(StoredWrite.CopyOf(write));
            }

            lock (_gate)
            {
                var data = GetOrAddNamespace(threadId, checkpointNamespace);
                if (!data.Writes.TryGetValue(checkpointId, out var byKey))
                {
                    byKey = new SortedDictionary<(string TaskId, int Index), StoredWrite>(WriteKeyComparer.Instance);
                    data.Writes[checkpointId] = byKey;
                }

                foreach (var write in copies)
                {
                    byKey[(write.TaskId, write.Index)] = write;
                }
            }
        });

    /// <inheritdoc />
    public override Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<BlobChunk>>(() =>
        {
            ArgumentNullException.ThrowIfNull(threadId);
            ArgumentNullException.ThrowIfNull(checkpointNamespace);
            ArgumentNullException.ThrowIfNull(runs);
            cancellationToken.ThrowIfCancellationRequested();
            var result = new List<BlobChunk>();
            lock (_gate)
            {
                var data = FindNamespace(threadId, checkpointNamespace);
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

                    foreach (var (sequence, bytes) in blob)
                    {
                        if (sequence >= run.End)
                        {
                            break;
                        }

                        result.Add(new BlobChunk(run.BlobId, sequence, (byte[])bytes.Clone()));
                    }
                }
            }

            return result;
        });

    /// <inheritdoc />
    public override Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(threadId);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (!_threads.Remove(threadId, out var namespaces))
                {
                    return;
                }

                foreach (var data in namespaces.Values)
                {
                    foreach (var id in data.Checkpoints.Keys)
                    {
                        _byId.Remove(id);
                    }
                }
            }
        });

    /// <inheritdoc />
    public override Task CopyThreadAsync(
        string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(sourceThreadId);
            ArgumentNullException.ThrowIfNull(targetThreadId);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (!_threads.TryGetValue(sourceThreadId, out var source) || source.Values.All(data => data.Checkpoints.Count == 0))
                {
                    throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
                }

                if (_threads.TryGetValue(targetThreadId, out var existingTarget) && existingTarget.Values.Any(data => !data.IsEmpty))
                {
                    throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
                }

                // New ids are minted in the order of the old ones, across every namespace.
                var originals = source.Values
                    .SelectMany(data => data.Checkpoints.Values)
                    .OrderBy(stored => stored.Id, CheckpointIdComparer.Instance)
                    .ToList();
                var newIds = new Dictionary<Guid, Guid>(originals.Count);
                foreach (var stored in originals)
                {
                    newIds[stored.Id] = CheckpointIds.NewId();
                }

                var target = new Dictionary<string, NamespaceData>(StringComparer.Ordinal);
                foreach (var (checkpointNamespace, sourceData) in source)
                {
                    var targetData = new NamespaceData();
                    foreach (var stored in sourceData.Checkpoints.Values)
                    {
                        var parentId = stored.ParentId is { } parent && newIds.TryGetValue(parent, out var newParent) ? newParent : stored.ParentId;
                        var copy = new StoredCheckpoint(newIds[stored.Id], targetThreadId, checkpointNamespace, parentId, stored.Body);
                        targetData.Checkpoints[copy.Id] = copy;
                        targetData.AddChild(parentId);
                    }

                    foreach (var (blobId, blob) in sourceData.Chunks)
                    {
                        foreach (var (sequence, bytes) in blob)
                        {
                            targetData.AddChunk(blobId, sequence, bytes);
                        }
                    }

                    foreach (var (checkpointId, writes) in sourceData.Writes)
                    {
                        if (newIds.TryGetValue(checkpointId, out var newId))
                        {
                            targetData.Writes[newId] = new SortedDictionary<(string TaskId, int Index), StoredWrite>(writes, WriteKeyComparer.Instance);
                        }
                    }

                    target[checkpointNamespace] = targetData;
                }

                _threads[targetThreadId] = target;
                foreach (var data in target.Values)
                {
                    foreach (var stored in data.Checkpoints.Values)
                    {
                        _byId[stored.Id] = stored;
                    }
                }
            }
        });

    /// <inheritdoc />
    public override Task<int> PruneAsync(string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(threadId);
            ArgumentNullException.ThrowIfNull(policy);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(policy.KeepLatest);
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (!_threads.TryGetValue(threadId, out var namespaces))
                {
                    return 0;
                }

                var deleted = 0;
                var kept = new List<CheckpointRecord>();
                foreach (var data in namespaces.Values)
                {
                    var doomed = data.Checkpoints.Count - policy.KeepLatest;
                    for (var i = 0; i < doomed; i++)
                    {
                        var stored = data.Checkpoints.Values[0];
                        data.Checkpoints.RemoveAt(0);
                        data.RemoveChild(stored.ParentId);
                        data.Writes.Remove(stored.Id);
                        _byId.Remove(stored.Id);
                        deleted++;
                    }

                    kept.AddRange(data.Checkpoints.Values.Select(stored => stored.Decode()));
                }

                var references = ChunkReferences.Of(kept);
                foreach (var data in namespaces.Values)
                {
                    foreach (var blobId in data.Chunks.Keys.ToList())
                    {
                        var blob = data.Chunks[blobId];
                        foreach (var sequence in blob.Keys.ToList())
                        {
                            if (!references.IsReferenced(blobId, sequence))
                            {
                                blob.Remove(sequence);
                            }
                        }

                        if (blob.Count == 0)
                        {
                            data.Chunks.Remove(blobId);
                        }
                    }
                }

                return deleted;
            }
        });

    private async IAsyncEnumerable<CheckpointTuple> ListCoreAsync(
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
                    if (filter.ThreadId is not null && filter.ThreadId != threadId)
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

    private static Task Run(Action action)
    {
        try
        {
            action();
            return Task.CompletedTask;
        }
        catch (OperationCanceledException ex)
        {
            return Task.FromCanceled(ex.CancellationToken.IsCancellationRequested ? ex.CancellationToken : new CancellationToken(true));
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private static Task<T> Run<T>(Func<T> function)
    {
        try
        {
            return Task.FromResult(function());
        }
        catch (OperationCanceledException ex)
        {
            return Task.FromCanceled<T>(ex.CancellationToken.IsCancellationRequested ? ex.CancellationToken : new CancellationToken(true));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static bool HasOtherChild(NamespaceData data, CheckpointRecord checkpoint)
    {
        if (checkpoint.ParentId is not { } parentId)
        {
            return data.Checkpoints.Keys.Any(id => id != checkpoint.Id);
        }

        if (!data.ChildCounts.TryGetValue(parentId, out var count))
        {
            return false;
        }

        // A re-put of the same checkpoint is not a second child.
        var self = data.Checkpoints.TryGetValue(checkpoint.Id, out var existing) && existing.ParentId == parentId ? 1 : 0;
        return count - self > 0;
    }

    private static CheckpointTuple ToTuple(StoredCheckpoint stored, NamespaceData data)
    {
        IReadOnlyList<PendingWrite> writes = data.Writes.TryGetValue(stored.Id, out var byKey)
            ? byKey.Values.Select(write => write.ToPendingWrite()).ToArray()
            : [];
        return new CheckpointTuple(stored.Decode(), writes);
    }

    private NamespaceData? FindNamespace(string threadId, string checkpointNamespace) =>
        _threads.TryGetValue(threadId, out var namespaces) && namespaces.TryGetValue(checkpointNamespace, out var data)
            ? data
            : null;

    private NamespaceData GetOrAddNamespace(string threadId, string checkpointNamespace)
    {
        if (!_threads.TryGetValue(threadId, out var namespaces))
        {
            namespaces = new Dictionary<string, NamespaceData>(StringComparer.Ordinal);
            _threads[threadId] = namespaces;
        }

        if (!namespaces.TryGetValue(checkpointNamespace, out var data))
        {
            data = new NamespaceData();
            namespaces[checkpointNamespace] = data;
        }

        return data;
    }

    private sealed record StoredCheckpoint(Guid Id, string ThreadId, string Namespace, Guid? ParentId, byte[] Body)
    {
        public CheckpointRecord Decode() => CheckpointRecordCodec.Decode(Body, Id, ThreadId, Namespace, ParentId);
    }

    private sealed record StoredWrite(string TaskId, string Node, int Index, string Channel, byte[] Value)
    {
        public static StoredWrite CopyOf(PendingWrite write) =>
            new(write.TaskId, write.Node, write.Index, write.Channel, (byte[])write.Value.Clone());

        public PendingWrite ToPendingWrite() => new(TaskId, Node, Index, Channel, (byte[])Value.Clone());
    }

    private sealed class NamespaceData
    {
        public SortedList<Guid, StoredCheckpoint> Checkpoints { get; } = new(CheckpointIdComparer.Instance);

        /// <summary>Per parent id, how many checkpoints of the namespace follow it.</summary>
        public Dictionary<Guid, int> ChildCounts { get; } = [];

        public Dictionary<Guid, SortedDictionary<int, byte[]>> Chunks { get; } = [];

        public Dictionary<Guid, SortedDictionary<(string TaskId, int Index), StoredWrite>> Writes { get; } = [];

        public bool IsEmpty => Checkpoints.Count == 0 && Chunks.Count == 0 && Writes.Count == 0;

        public void AddChild(Guid? parentId)
        {
            if (parentId is { } parent)
            {
                ChildCounts[parent] = ChildCounts.GetValueOrDefault(parent) + 1;
            }
        }

        public void RemoveChild(Guid? parentId)
        {
            if (parentId is { } parent && ChildCounts.TryGetValue(parent, out var count))
            {
                if (count <= 1)
                {
                    ChildCounts.Remove(parent);
                }
                else
                {
                    ChildCounts[parent] = count - 1;
                }
            }
        }

        public void AddChunk(Guid blobId, int sequence, byte[] bytes)
        {
            if (!Chunks.TryGetValue(blobId, out var blob))
            {
                blob = [];
                Chunks[blobId] = blob;
            }

            blob.TryAdd(sequence, bytes);
        }
    }

    private sealed class WriteKeyComparer : IComparer<(string TaskId, int Index)>
    {
        public static WriteKeyComparer Instance { get; } = new();

        public int Compare((string TaskId, int Index) x, (string TaskId, int Index) y)
        {
            var byTask = string.CompareOrdinal(x.TaskId, y.TaskId);
            return byTask != 0 ? byTask : x.Index.CompareTo(y.Index);
        }
    }
}
