using Checkpoint.Serialization;

namespace Checkpoint.Storage;

public sealed partial class InMemoryCheckpointSaver
{
    /// <inheritdoc />
    protected override Task PutCoreAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Encode and copy outside the lock: from here on nothing refers to the caller's objects.
            var body = CheckpointRecordCodec.Encode(checkpoint, Serializer);
            var chunks = new List<(Guid BlobId, int Sequence, byte[] Data, int? ReplacesUntil)>(newChunks.Count);
            foreach (var chunk in newChunks)
            {
                chunks.Add((chunk.BlobId, chunk.Sequence, (byte[])chunk.Data.Clone(), chunk.ReplacesUntil));
            }

            lock (_gate)
            {
                if (_byId.TryGetValue(checkpoint.Id, out var existing) &&
                    (existing.ThreadId != checkpoint.ThreadId || existing.Namespace != checkpoint.Namespace))
                {
                    throw new InvalidOperationException(
                        $"Checkpoint {checkpoint.Id} already exists in thread '{existing.ThreadId}' (namespace '{existing.Namespace}').");
                }

                ExpireIfDue(checkpoint.ThreadId);
                if (existing is not null && !_byId.ContainsKey(checkpoint.Id))
                {
                    existing = null; // it expired with its thread
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

                foreach (var (blobId, sequence, bytes, replacesUntil) in chunks)
                {
                    if (replacesUntil is { } until)
                    {
                        data.PutBlock(blobId, sequence, until, bytes);
                    }
                    else
                    {
                        data.AddChunk(blobId, sequence, bytes);
                    }
                }

                if (mode == PutMode.Continue && checkpoint.ParentId is { } parentId)
                {
                    data.Writes.Remove(parentId);
                }

                Touch(checkpoint.ThreadId);
            }
        });

    /// <inheritdoc />
    protected override Task PutWritesCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var copies = new List<StoredWrite>(writes.Count);
            foreach (var write in writes)
            {
                copies.Add(StoredWrite.CopyOf(write));
            }

            lock (_gate)
            {
                ExpireIfDue(threadId);
                Touch(threadId);
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
}
