using Checkpoint.Storage;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>One write transaction: no put or prune runs between the check and the swap.</remarks>
    protected override Task<bool> ReplaceChunksCoreAsync(
        string threadId, string checkpointNamespace, BlobChunk block, IReadOnlyList<BlobChunk> replaced, CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
        {
            if (SqliteNames.FindScope(session, threadId, checkpointNamespace) is not { } scope
                || session.Scalar("SELECT id FROM {names} WHERE owner = $scope AND name = $name;", ("$scope", scope), ("$name", SqliteKeys.ToBytes(block.BlobId)))
                    is not long blob)
            {
                return false;
            }

            foreach (var chunk in replaced)
            {
                if (session.Scalar("SELECT data FROM {chunks} WHERE chunk = $chunk;", ("$chunk", SqliteKeys.ChunkKey(blob, chunk.Sequence)))
                    is not byte[] stored || !stored.AsSpan().SequenceEqual(chunk.Data))
                {
                    return false; // a prune or another repack changed the range first
                }
            }

            foreach (var chunk in replaced)
            {
                _ = session.Execute("DELETE FROM {chunks} WHERE chunk = $chunk;", ("$chunk", SqliteKeys.ChunkKey(blob, chunk.Sequence)));
            }

            _ = session.Execute(
                "INSERT OR REPLACE INTO {chunks} (chunk, data) VALUES ($chunk, $data);",
                ("$chunk", SqliteKeys.ChunkKey(blob, block.Sequence)), ("$data", block.Data));
            return true;
        }, cancellationToken);
    }
}
