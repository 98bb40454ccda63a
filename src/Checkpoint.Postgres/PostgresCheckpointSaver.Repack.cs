using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Repacking: the atomic swap of small chunks for a block.</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the thread lock in shared mode (a prune waits), the replaced rows locked and
    /// compared with what the repack read, then the swap. A put that replaces the same rows with its own
    /// block waits for the row locks and then finds the block (or got there first, and the compare fails).
    /// </remarks>
    protected override async Task<bool> ReplaceChunksCoreAsync(
        string threadId, string checkpointNamespace, BlobChunk block, IReadOnlyList<BlobChunk> replaced, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sequences = replaced.Select(chunk => chunk.Sequence).ToArray();
        return await ExecuteAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var stored = new Dictionary<int, byte[]>();
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(_sql.SharedThreadLock, Int("class", ThreadLockClass), Text("lock_key", threadId)));
                    batch.BatchCommands.Add(Command(
                        _sql.LockChunks, Text("thread", threadId), Text("ns", checkpointNamespace),
                        Uuid("blob_id", block.BlobId), IntArray("seqs", sequences)));
                    await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                    await reader.NextResultAsync(token).ConfigureAwait(false);
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        stored[reader.GetInt32(0)] = reader.GetFieldValue<byte[]>(1);
                    }
                }

                if (!replaced.All(chunk => stored.TryGetValue(chunk.Sequence, out var data) && data.AsSpan().SequenceEqual(chunk.Data)))
                {
                    return false; // a prune, a put's block or another repack changed the range first
                }

                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(
                        _sql.SwapChunks, Text("thread", threadId), Text("ns", checkpointNamespace), Uuid("blob_id", block.BlobId),
                        IntArray("seqs", sequences), Int("seq", block.Sequence), Bytes("data", block.Data)));
                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                await transaction.CommitAsync(token).ConfigureAwait(false);
                return true;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }
}
