using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

public sealed partial class RedisCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>One script (atomic): compares every replaced chunk with what the repack read, then swaps.</remarks>
    protected override async Task<bool> ReplaceChunksCoreAsync(
        string threadId, string checkpointNamespace, BlobChunk block, IReadOnlyList<BlobChunk> replaced, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var threadBase = _keys.ThreadBase(threadId);
        var args = new List<RedisValue>(4 + (2 * replaced.Count))
        {
            RedisKeys.Encode(checkpointNamespace), RedisKeys.ChunkField(block.BlobId, block.Sequence), block.Data, Ttl,
        };
        foreach (var chunk in replaced)
        {
            args.Add(RedisKeys.ChunkField(chunk.BlobId, chunk.Sequence));
            args.Add(chunk.Data);
        }

        var reply = (int)await _db.ScriptEvaluateAsync(
                RedisScripts.ReplaceChunks,
                [RedisKeys.Chunks(threadBase), RedisKeys.ChunkIndex(threadBase), RedisKeys.RepackCounter(threadBase)],
                [.. args])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply == 1;
    }
}
