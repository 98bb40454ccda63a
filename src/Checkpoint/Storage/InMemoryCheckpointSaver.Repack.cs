namespace Checkpoint.Storage;

public sealed partial class InMemoryCheckpointSaver
{
    /// <inheritdoc />
    protected override Task<bool> ReplaceChunksCoreAsync(
        string threadId, string checkpointNamespace, BlobChunk block, IReadOnlyList<BlobChunk> replaced, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = (byte[])block.Data.Clone();
            lock (_gate)
            {
                if (FindNamespace(threadId, checkpointNamespace) is not { } data
                    || !data.Chunks.TryGetValue(block.BlobId, out var blob)
                    || !replaced.All(chunk => blob.TryGetValue(chunk.Sequence, out var stored) && stored.AsSpan().SequenceEqual(chunk.Data)))
                {
                    return false; // a prune or another repack changed the range first
                }

                foreach (var chunk in replaced)
                {
                    _ = blob.Remove(chunk.Sequence);
                }

                blob[block.Sequence] = bytes;
                return true;
            }
        });
}
