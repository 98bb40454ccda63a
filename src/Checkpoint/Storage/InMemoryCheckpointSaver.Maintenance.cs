using Checkpoint.Serialization;

namespace Checkpoint.Storage;

public sealed partial class InMemoryCheckpointSaver
{
    /// <inheritdoc />
    protected override Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                RemoveThread(threadId);
            }
        });

    /// <inheritdoc />
    protected override Task CopyThreadCoreAsync(
        string sourceThreadId, string targetThreadId, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (!IsLive(sourceThreadId) || !_threads.TryGetValue(sourceThreadId, out var source) || source.Values.All(data => data.Checkpoints.Count == 0))
                {
                    throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
                }

                ExpireIfDue(targetThreadId); // an expired target is empty
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
                    newIds[stored.Id] = CheckpointIds.NewId(_options.TimeProvider);
                }

                var target = new Dictionary<string, NamespaceData>(StringComparer.Ordinal);
                foreach (var (checkpointNamespace, sourceData) in source)
                {
                    var targetData = new NamespaceData();
                    foreach (var stored in sourceData.Checkpoints.Values)
                    {
                        var parentId = stored.ParentId is { } parent && newIds.TryGetValue(parent, out var newParent) ? newParent : stored.ParentId;
                        var body = CheckpointRecordCodec.Rebase(stored.Body, stored.Id, sourceThreadId, checkpointNamespace, newIds[stored.Id], targetThreadId, Serializer);
                        var copy = new StoredCheckpoint(newIds[stored.Id], targetThreadId, checkpointNamespace, parentId, body);
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
                Touch(targetThreadId);
                foreach (var data in target.Values)
                {
                    foreach (var stored in data.Checkpoints.Values)
                    {
                        _byId[stored.Id] = stored;
                    }
                }
            }
        });
}
