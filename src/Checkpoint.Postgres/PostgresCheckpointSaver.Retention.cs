using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Prune by policy and thread listing.</content>
public sealed partial class PostgresCheckpointSaver
{
    private PostgresRetentionSql? _retentionSql;

    private PostgresRetentionSql RetentionSql => _retentionSql ??= new PostgresRetentionSql(_quotedSchema, _sql.Live);

    /// <inheritdoc />
    protected override TimeProvider RetentionClock => _timeProvider;

    /// <inheritdoc />
    protected override async Task<int> PruneCoreAsync(
        string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await ExecuteAsync(
            async (connection, token) =>
            {
                // Puts hold the thread lock shared: once we hold it exclusively no put is half done, and
                // every put committed before is in what we read.
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var records = new List<CheckpointRecord>();
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(_sql.ThreadLock, Int("class", ThreadLockClass), Text("lock_key", threadId)));
                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Live(Command(_sql.KeptRecords, Text("thread", threadId))));
                    await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        records.Add(ReadRecord(reader, Serializer));
                    }
                }

                var grouped = await ReadGroupedRecordsAsync(connection, transaction, threadId, token).ConfigureAwait(false);
                records.AddRange(grouped);
                var doomed = new RetentionEvaluator(policy, timeProvider.GetUtcNow()).Doomed(records.Select(CheckpointSummary.Of)).ToHashSet();

                // When a pruned checkpoint is grouped, the thread's groups go back to loose rows for the prune, and what
                // is kept is grouped again afterwards: no group keeps a pruned checkpoint's body.
                var released = grouped.Any(record => doomed.Contains(record.Id))
                    ? await ReleaseThreadAsync(connection, transaction, threadId, token).ConfigureAwait(false)
                    : 0;
                var references = ChunkReferences.Of(records.Where(record => !doomed.Contains(record.Id))).RangeByBlob;
                var deleted = 0;
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(RetentionSql.DeleteCheckpoints, Text("thread", threadId), UuidArray("ids", [.. doomed])));

                    // Chunks no remaining checkpoint references go too (blob ids are unique within a thread).
                    batch.BatchCommands.Add(Command(
                        _sql.PruneChunks, Text("thread", threadId), UuidArray("blob_ids", [.. references.Keys]),
                        IntArray("starts", [.. references.Values.Select(range => range.Start)]),
                        IntArray("ends", [.. references.Values.Select(range => range.End)])));
                    await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                    if (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        deleted = reader.GetInt32(0);
                    }
                }

                if (released > 0)
                {
                    await GroupThreadAsync(connection, transaction, threadId, token).ConfigureAwait(false);
                }

                await transaction.CommitAsync(token).ConfigureAwait(false);
                return deleted;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await ExecuteAsync<IReadOnlyList<string>>(
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(after is null ? RetentionSql.FirstThreads : RetentionSql.ThreadsAfter, connection);
                command.Parameters.Add(Int("limit", limit));
                if (_sql.Expires)
                {
                    command.Parameters.Add(Cutoff());
                }

                if (after is not null)
                {
                    command.Parameters.Add(Text("after", after));
                }

                return await PostgresRows.ReadStringsAsync(command, token).ConfigureAwait(false);
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }
}
