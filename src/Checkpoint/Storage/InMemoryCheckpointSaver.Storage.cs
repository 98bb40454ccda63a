using Checkpoint.Serialization;

namespace Checkpoint.Storage;

public sealed partial class InMemoryCheckpointSaver
{
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

    private CheckpointTuple ToTuple(StoredCheckpoint stored, NamespaceData data)
    {
        IReadOnlyList<PendingWrite> writes = data.Writes.TryGetValue(stored.Id, out var byKey)
            ? byKey.Values.Select(write => write.ToPendingWrite()).ToArray()
            : [];
        return new CheckpointTuple(stored.Decode(Serializer), writes);
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
        public CheckpointRecord Decode(CheckpointSerializer serializer) => CheckpointRecordCodec.Decode(Body, Id, ThreadId, Namespace, ParentId, serializer);
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

        /// <summary>Stores a block at <paramref name="sequence"/>, dropping the chunks in (sequence, until) it replaces.</summary>
        public void PutBlock(Guid blobId, int sequence, int until, byte[] bytes)
        {
            if (!Chunks.TryGetValue(blobId, out var blob))
            {
                blob = [];
                Chunks[blobId] = blob;
            }

            foreach (var replaced in blob.Keys.Where(key => key > sequence && key < until).ToList())
            {
                _ = blob.Remove(replaced);
            }

            blob[sequence] = bytes;
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
