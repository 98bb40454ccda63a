using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Puts of checkpoints, chunks and pending writes, and chunk reads.</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>
    /// One round trip: a batch (run by PostgreSQL as one implicit transaction) of the conflict check,
    /// the chunk inserts, the record upsert and, for <see cref="PutMode.Continue"/>, the deletion of
    /// the parent's writes. A unique index on the Continue rows makes two racing writers on one parent
    /// end with exactly one winner.
    /// </remarks>
    protected override async Task PutCoreAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        var body = CheckpointRecordCodec.Encode(checkpoint, Serializer);
        var metadata = MetadataJson(checkpoint.Metadata);
        var chunks = SortedChunks([.. newChunks.Where(chunk => chunk.ReplacesUntil is null)]);
        var blocks = SortedChunks([.. newChunks.Where(chunk => chunk.ReplacesUntil is not null)]);
        var isContinue = mode == PutMode.Continue;
        var thread = checkpoint.ThreadId;
        var ns = checkpoint.Namespace;

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PutOnceAsync(checkpoint, body, metadata, chunks, blocks, isContinue, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrors.GroupedState && attempt < MaxPutAttempts)
            {
                // A group holds the id, the parent or a child of the parent: its members go back to loose rows first.
                await ReleaseForPutAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrors.GroupedState)
            {
                throw new InvalidOperationException(
                    $"Cannot put checkpoint {checkpoint.Id}: its record group kept changing during {MaxPutAttempts} attempts.", ex);
            }
        }

        if (Groups && checkpoint.Step > 0 && checkpoint.Step % PostgresRecordGroups.Every == 0)
        {
            try
            {
                await GroupAfterPutAsync(thread, ns, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The checkpoint is stored: failing the put now would tell the caller it was not. Grouping is upkeep, its
                // transaction rolled back (the rows stay loose), and the next grouping step takes them.
                PostgresLog.GroupingFailed(_logger, ex, PostgresTimeouts.Endpoint(_dataSource), thread);
            }
        }
    }

    /// <summary>The put's batch: one round trip, one implicit transaction.</summary>
    private async Task PutOnceAsync(
        CheckpointRecord checkpoint, byte[] body, string metadata, BlobChunk[] chunks, BlobChunk[] blocks, bool isContinue,
        CancellationToken cancellationToken)
    {
        var thread = checkpoint.ThreadId;
        var ns = checkpoint.Namespace;
        try
        {
            await ExecuteAsync(
                async (connection, token) =>
                {
                    await using var batch = new NpgsqlBatch(connection);
                    // Shared with other puts, exclusive with prune and copy: a prune cannot collect
                    // the chunks a concurrent put is about to reference.
                    batch.BatchCommands.Add(Command(_sql.SharedThreadLock, Int("class", ThreadLockClass), Text("lock_key", thread)));
                    AddTouch(batch, thread);
                    batch.BatchCommands.Add(Command(
                        _sql.CheckPut, Uuid("id", checkpoint.Id), Text("thread", thread), Text("ns", ns),
                        NullableUuid("parent", checkpoint.ParentId), Bool("continue", isContinue)));
                    if (blocks.Length > 0)
                    {
                        batch.BatchCommands.Add(Command(
                            _sql.PutBlocks, Text("thread", thread), Text("ns", ns),
                            UuidArray("blob_ids", [.. blocks.Select(block => block.BlobId)]),
                            IntArray("seqs", [.. blocks.Select(block => block.Sequence)]),
                            IntArray("untils", [.. blocks.Select(block => block.ReplacesUntil!.Value)]),
                            BytesArray("datas", [.. blocks.Select(block => block.Data)])));
                    }

                    if (chunks.Length > 0)
                    {
                        batch.BatchCommands.Add(Command(
                            _sql.InsertChunks, Text("thread", thread), Text("ns", ns),
                            UuidArray("blob_ids", [.. chunks.Select(chunk => chunk.BlobId)]),
                            IntArray("seqs", [.. chunks.Select(chunk => chunk.Sequence)]),
                            BytesArray("datas", [.. chunks.Select(chunk => chunk.Data)])));
                    }

                    batch.BatchCommands.Add(Command(
                        _sql.UpsertCheckpoint, Uuid("id", checkpoint.Id), Text("thread", thread), Text("ns", ns),
                        NullableUuid("parent", checkpoint.ParentId), Bool("continue", isContinue),
                        Bytes("body", body), Jsonb("metadata", metadata)));
                    if (isContinue && checkpoint.ParentId is { } parentId)
                    {
                        batch.BatchCommands.Add(Command(
                            _sql.DeleteCheckpointWrites, Text("thread", thread), Text("ns", ns), Uuid("parent", parentId)));
                    }

                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    return true;
                },
                migrate: true, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresErrors.IsConflict(ex))
        {
            throw new CheckpointConflictException(thread, ns, checkpoint.ParentId);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrors.OtherThreadState)
        {
            throw new InvalidOperationException(
                $"Checkpoint {checkpoint.Id} already exists in another thread or namespace than '{thread}' / '{ns}'.", ex);
        }
    }

    /// <inheritdoc />
    protected override async Task PutWritesCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // One row per key (the last write wins, as for separate calls), in key order so that
        // concurrent writers lock rows in the same order.
        var byKey = new SortedDictionary<(string TaskId, int Index), PendingWrite>(WriteKeyComparer.Instance);
        foreach (var write in writes)
        {
            byKey[(write.TaskId, write.Index)] = write;
        }

        var rows = byKey.Values.ToArray();
        await ExecuteAsync(
            async (connection, token) =>
            {
                await using var batch = new NpgsqlBatch(connection);
                AddTouch(batch, threadId);
                batch.BatchCommands.Add(Command(
                    _sql.UpsertWrites, Text("thread", threadId), Text("ns", checkpointNamespace), Uuid("checkpoint", checkpointId),
                    TextArray("task_ids", [.. rows.Select(write => write.TaskId)]),
                    IntArray("idxs", [.. rows.Select(write => write.Index)]),
                    TextArray("nodes", [.. rows.Select(write => write.Node)]),
                    TextArray("channels", [.. rows.Select(write => write.Channel)]),
                    BytesArray("vals", [.. rows.Select(write => write.Value)])));
                return await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        var blobIds = runs.Select(run => run.BlobId).ToArray();
        var starts = runs.Select(run => run.Start).ToArray();
        var ends = runs.Select(run => run.End).ToArray();
        return await ExecuteAsync<IReadOnlyList<BlobChunk>>(
            async (connection, token) =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(Live(Command(
                    _sql.ReadChunks, Text("thread", threadId), Text("ns", checkpointNamespace),
                    UuidArray("blob_ids", blobIds), IntArray("starts", starts), IntArray("ends", ends))));
                await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                var chunks = new List<BlobChunk>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    chunks.Add(new BlobChunk(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2)));
                }

                return chunks;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The chunks in key order (so concurrent puts lock them in the same order), duplicates dropped.</summary>
    private static BlobChunk[] SortedChunks(IReadOnlyList<BlobChunk> chunks)
    {
        var byKey = new SortedDictionary<(Guid BlobId, int Sequence), BlobChunk>();
        foreach (var chunk in chunks)
        {
            byKey.TryAdd((chunk.BlobId, chunk.Sequence), chunk);
        }

        return [.. byKey.Values];
    }
}
