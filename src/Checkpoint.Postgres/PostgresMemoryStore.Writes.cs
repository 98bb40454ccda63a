using Checkpoint.Memory;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>Writes: put (one transaction per batch), delete, access counters.</summary>
public sealed partial class PostgresMemoryStore
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> PutCoreAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PutOnceAsync(puts, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (LostInsertRace(ex) && attempt < MaxInsertRaces)
            {
                // Another transaction inserted a key this one found missing; the next attempt finds and locks its row.
            }
        }
    }

    // Far more than two writers racing to create one key can need: each lost race means another writer's insert committed.
    private const int MaxInsertRaces = 100;

    // RunAsync wraps a server error with the store's context. Nothing else in a put's batch divides, so a division by
    // zero is the upsert's guard (Npgsql does not always say which batch command failed).
    private static bool LostInsertRace(Exception error) =>
        (error as PostgresException ?? error.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.DivisionByZero } failed
        && failed.BatchCommand?.CommandText.Contains(PostgresMemorySql.LostRaceGuard, StringComparison.Ordinal) != false;

    private async Task<IReadOnlyList<MemoryItem>> PutOnceAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken)
    {
        var dimensions = puts.FirstOrDefault(put => put.Embedding is not null)?.Embedding!.Value.Length ?? 0;
        var committing = false;
        var (items, stored, changeId) = await RunAsync("write memories", async (connection, token) =>
        {
            committing = false;
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var stored = dimensions == 0 ? _storedDimensions : await FixDimensionsAsync(connection, dimensions, token).ConfigureAwait(false);
            var existing = await LockAsync(connection, puts.Select(put => put.Key).ToList(), token).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            var items = new List<MemoryItem>(puts.Count);
            var changes = new List<MemoryChange>(puts.Count);
            foreach (var put in puts)
            {
                var memory = put.Resolve(existing.TryGetValue(put.Key, out var row) ? row.Item : null);
                batch.BatchCommands.Add(Upsert(memory));
                changes.Add(memory.Change!);
                items.Add(memory.Item);
            }

            committing = true; // the batch ends with the commit
            var changeId = await CommitWithHistoryAsync(batch, changes, token).ConfigureAwait(false);
            return (items, stored, changeId);
        }, cancellationToken, _postgres.MaxAttempts, () => committing).ConfigureAwait(false);
        FeedCommitted(changeId);

        // Committed: the size is now the table's for good.
        _storedDimensions = stored;
        return items;
    }

    /// <inheritdoc />
    /// <remarks>Run again after a broken connection (deleting twice deletes once); the result may then say false for a row the lost attempt deleted.</remarks>
    protected override async Task<bool> DeleteCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        var memoryKey = new MemoryKey(memoryNamespace, key);
        var deleted = await RunAsync("delete a memory", async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var rows = await LockAsync(connection, [memoryKey], token).ConfigureAwait(false);
            if (!rows.TryGetValue(memoryKey, out var row))
            {
                return null;
            }

            await using var batch = new NpgsqlBatch(connection);
            AddDelete(batch, row.Id);
            var changeId = await CommitWithHistoryAsync(
                batch, [MemoryChange.Removal(row.Item, MemoryChangeKind.Delete, Options.TimeProvider.GetUtcNow())], token).ConfigureAwait(false);
            return ((long Id, long ChangeId)?)(row.Id, changeId);
        }, cancellationToken).ConfigureAwait(false);

        if (deleted is not { } found)
        {
            return false;
        }

        FeedCommitted(found.ChangeId);
        _vectors.Remove(found.Id);
        return true;
    }

    /// <inheritdoc />
    protected override Task RecordAccessCoreAsync(IReadOnlyList<MemoryKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var committing = false;
        return RunAsync("record memory accesses", async (connection, token) =>
        {
            committing = false;
            // Counters live in the body too (it is the item), so the body is re-encoded; words and vectors are untouched.
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var rows = await LockAsync(connection, keys, token).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                await using var batch = new NpgsqlBatch(connection);
                foreach (var (id, item) in rows.Values)
                {
                    var touched = item with { AccessCount = item.AccessCount + 1, LastAccessedAt = now };
                    var command = new NpgsqlBatchCommand(_sql.UpdateAccess);
                    command.Parameters.Add(new NpgsqlParameter<long>("accessed", now.UtcTicks));
                    command.Parameters.Add(new NpgsqlParameter<long>("access_count", touched.AccessCount));
                    command.Parameters.Add(new NpgsqlParameter<byte[]>("body", MemoryItemCodec.Encode(touched, Options.Serializer)));
                    command.Parameters.Add(new NpgsqlParameter<long>("id", id));
                    batch.BatchCommands.Add(command);
                }

                _ = await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            committing = true;
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return 0;
        }, cancellationToken, _postgres.MaxAttempts, () => committing);
    }

    /// <summary>
    /// Reads and locks (<c>FOR UPDATE</c>, in (ns, key) order so two batches cannot deadlock) the stored
    /// rows of <paramref name="keys"/>; missing keys are absent from the result.
    /// </summary>
    private async Task<Dictionary<MemoryKey, (long Id, MemoryItem Item)>> LockAsync(
        NpgsqlConnection connection, IReadOnlyList<MemoryKey> keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.LockRows, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ns", keys.Select(key => key.Namespace.StorageKey).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", keys.Select(key => key.Key).ToArray()));
        var rows = new Dictionary<MemoryKey, (long, MemoryItem)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var item = Decode(reader.GetFieldValue<byte[]>(3), reader.GetString(0), reader.GetString(1));
            rows[new MemoryKey(item.Namespace, item.Key)] = (reader.GetInt64(2), item);
        }

        return rows;
    }

    /// <summary>
    /// The vector size of the table, recording <paramref name="dimensions"/> when it is the first
    /// (and then typing a pgvector column <c>vector(n)</c>); throws when the table's size differs.
    /// </summary>
    private async Task<int> FixDimensionsAsync(NpgsqlConnection connection, int dimensions, CancellationToken cancellationToken)
    {
        var stored = _storedDimensions;
        if (stored == 0)
        {
            await using var set = new NpgsqlCommand(_sql.SetDimensions, connection);
            set.Parameters.Add(new NpgsqlParameter<int>("dimensions", dimensions));
            if (await set.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int first)
            {
                stored = first;
                if (_pgVector)
                {
                    await using var type = new NpgsqlCommand(_sql.TypeVectorColumn(first), connection);
                    _ = await type.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                // Another store set it first (the update waited for its commit, then matched no row).
                await using var read = new NpgsqlCommand(_sql.ReadState, connection);
                stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int known ? known : 0;
            }
        }

        CheckDimensions(dimensions, stored);
        return stored;
    }

    private NpgsqlBatchCommand Upsert(StoredMemory memory)
    {
        var item = memory.Item;
        var (vector, words) = Encrypts ? ("", 0) : PostgresKeywords.Document(item);
        var command = new NpgsqlBatchCommand(_sql.Upsert(_pgVector));
        command.Parameters.Add(new NpgsqlParameter<string>("ns", item.Namespace.StorageKey));
        command.Parameters.Add(new NpgsqlParameter<string>("key", item.Key));
        command.Parameters.Add(new NpgsqlParameter<int>("kind", (int)item.Kind));
        command.Parameters.Add(new NpgsqlParameter("subject", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)MemorySubjectTag.Of(Options.Serializer, item.SubjectId) ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<long>("created", item.CreatedAt.UtcTicks));
        command.Parameters.Add(new NpgsqlParameter<long>("updated", item.UpdatedAt.UtcTicks));
        command.Parameters.Add(new NpgsqlParameter<long>("accessed", item.LastAccessedAt.UtcTicks));
        command.Parameters.Add(new NpgsqlParameter("expires", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = item.ExpiresAt is { } expires ? expires.UtcTicks : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<double>("importance", item.Importance));
        command.Parameters.Add(new NpgsqlParameter<long>("access_count", item.AccessCount));
        command.Parameters.Add(new NpgsqlParameter<long>("version", item.Version));
        command.Parameters.Add(new NpgsqlParameter<int>("words", words));
        command.Parameters.Add(new NpgsqlParameter<string>("tsv", vector));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("body", MemoryItemCodec.Encode(item, Options.Serializer)));
        command.Parameters.Add(PostgresMemoryFilter.Vector("embedding", Encrypts ? null : memory.Embedding));
        command.Parameters.Add(new NpgsqlParameter("sealed_embedding", NpgsqlTypes.NpgsqlDbType.Bytea)
        {
            Value = Encrypts && memory.Embedding is { } embedding
                ? MemoryItemCodec.EncodeVector(embedding.Span, item.Namespace, item.Key, Options.Serializer)
                : DBNull.Value,
        });
        return command;
    }
}
