using Checkpoint.Serialization;

namespace Checkpoint.Storage;

public abstract partial class CheckpointSaver
{
    /// <summary>
    /// Copies a thread blob by blob through the public operations, binding each blob to its new place:
    /// encrypted blobs are authenticated with their thread and checkpoint, so the byte-for-byte copy of
    /// <see cref="CopyThreadCoreAsync"/> would not decrypt in the target thread.
    /// </summary>
    private async Task CopyThreadReencryptingAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken)
    {
        var originals = new List<CheckpointTuple>();
        await foreach (var tuple in ListAsync(new CheckpointFilter { ThreadId = sourceThreadId }, cancellationToken).ConfigureAwait(false))
        {
            originals.Add(tuple);
        }

        if (originals.Count == 0)
        {
            throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
        }

        await foreach (var _ in ListAsync(new CheckpointFilter { ThreadId = targetThreadId, Limit = 1 }, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
        }

        // Oldest first across every namespace, so new ids keep the old order and parents exist before children.
        originals.Sort((a, b) => CheckpointIdComparer.Instance.Compare(a.Checkpoint.Id, b.Checkpoint.Id));
        var newIds = originals.ToDictionary(t => t.Checkpoint.Id, _ => CheckpointIds.NewId());
        var copiedChunks = new HashSet<(string Namespace, Guid BlobId, int Sequence)>();
        var copiedRunEnds = new Dictionary<(string Namespace, Guid BlobId), int>();
        foreach (var (record, writes) in originals)
        {
            var copy = record with
            {
                Id = newIds[record.Id],
                ThreadId = targetThreadId,
                ParentId = record.ParentId is { } parent && newIds.TryGetValue(parent, out var newParent) ? newParent : record.ParentId,
            };
            var chunks = await CopyChunksAsync(record, copy, copiedChunks, copiedRunEnds, cancellationToken).ConfigureAwait(false);
            await PutAsync(copy, chunks, PutMode.Branch, cancellationToken).ConfigureAwait(false); // Branch: keeps every copied write
            var copiedWrites = writes.Select(write => write with
            {
                Value = Serializer.Rebind(
                    write.Value,
                    BlobAddress.Write(record.ThreadId, record.Namespace, record.Id, write.TaskId, write.Index, write.Channel),
                    BlobAddress.Write(copy.ThreadId, copy.Namespace, copy.Id, write.TaskId, write.Index, write.Channel),
                    new BlobLocation(record.ThreadId, record.Id, write.Channel)),
            }).ToList();
            await PutWritesAsync(copy.ThreadId, copy.Namespace, copy.Id, copiedWrites, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The chunks <paramref name="record"/> references that are not copied yet, bound to the copy's thread.</summary>
    private async Task<List<BlobChunk>> CopyChunksAsync(
        CheckpointRecord record, CheckpointRecord copy, HashSet<(string, Guid, int)> copied,
        Dictionary<(string, Guid), int> copiedRunEnds, CancellationToken cancellationToken)
    {
        // A run ending where an earlier copied run of its blob ended (or before) has every chunk copied already.
        var runs = record.Channels.Values.SelectMany(channel => channel.Runs)
            .Where(run => run.End > copiedRunEnds.GetValueOrDefault((record.Namespace, run.BlobId), -1))
            .ToList();
        foreach (var run in runs)
        {
            copiedRunEnds[(record.Namespace, run.BlobId)] = Math.Max(run.End, copiedRunEnds.GetValueOrDefault((record.Namespace, run.BlobId), -1));
        }

        var stored = await ReadChunksAsync(record.ThreadId, record.Namespace, runs, cancellationToken).ConfigureAwait(false);
        var location = new BlobLocation(record.ThreadId, record.Id, null);
        return stored
            .Where(chunk => copied.Add((record.Namespace, chunk.BlobId, chunk.Sequence)))
            .Select(chunk => chunk with
            {
                Data = Serializer.Rebind(
                    chunk.Data,
                    BlobAddress.Chunk(record.ThreadId, record.Namespace, chunk.BlobId, chunk.Sequence),
                    BlobAddress.Chunk(copy.ThreadId, copy.Namespace, chunk.BlobId, chunk.Sequence),
                    location),
            })
            .ToList();
    }
}
