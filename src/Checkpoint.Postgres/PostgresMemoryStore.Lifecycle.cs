using Checkpoint.Memory;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>Lifecycle: history rows, scans (expired items included) and version-checked removals.</summary>
public sealed partial class PostgresMemoryStore
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryChange>> GetHistoryCoreAsync(MemoryKey key, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<MemoryChange>>("read a memory's history", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(_sql.HistoryOfKey, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("ns", key.Namespace.StorageKey));
            command.Parameters.Add(new NpgsqlParameter<string>("key", key.Key));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var changes = new List<MemoryChange>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                changes.Add(MemoryChangeCodec.Decode(
                    reader.GetFieldValue<byte[]>(3), key, reader.GetInt64(0), (MemoryChangeKind)reader.GetInt32(1),
                    new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), Options.Serializer));
            }

            return changes;
        }, cancellationToken);

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StoredMemory> ScanCoreAsync(
        MemoryScan scan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in ScanRowsAsync(scan, cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredMemory(row.Item, scan.WithVectors ? row.Vector : null);
        }
    }

    // The rows a scan matches (ids included), read in one statement, filtered again after decoding.
    private async IAsyncEnumerable<Row> ScanRowsAsync(MemoryScan scan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = await RunAsync("scan memories", (connection, token) =>
        {
            var command = new NpgsqlCommand(_sql.Scan, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("low", scan.NamespacePrefix?.StorageKey ?? ""));
            command.Parameters.Add(new NpgsqlParameter<string>("high", scan.NamespacePrefix?.StorageKeyUpperBound ?? char.ConvertFromUtf32(0x10FFFF)));
            // A subject's rows may carry its tag under any configured key (rows from before a key rotation keep the old one).
            command.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = scan.SubjectId is { } subjectId ? MemorySubjectTag.AllOf(Options.Serializer, subjectId).ToArray() : DBNull.Value,
            });
            command.Parameters.Add(new NpgsqlParameter<bool>("sealed", Encrypts)); // rows sealed before subject tags existed have no subject column
            command.Parameters.Add(new NpgsqlParameter("expired", NpgsqlTypes.NpgsqlDbType.Bigint)
            {
                Value = scan.ExpiredBy is { } by ? by.UtcTicks : DBNull.Value,
            });
            return ReadRowsAsync(command, token);
        }, cancellationToken).ConfigureAwait(false);

        foreach (var row in rows.Where(row => scan.Matches(row.Item)))
        {
            yield return row;
        }
    }

    /// <inheritdoc />
    protected override async Task<MemoryErasure> EraseSubjectCoreAsync(string subjectId, CancellationToken cancellationToken)
    {
        var doomed = new List<long>();
        await foreach (var stored in ScanRowsAsync(new MemoryScan { SubjectId = subjectId }, cancellationToken).ConfigureAwait(false))
        {
            doomed.Add(stored.Id);
        }

        var (historyRows, changeId) = await RunAsync("erase a subject", async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            var items = new NpgsqlBatchCommand(_sql.DeleteByIds);
            items.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. doomed]));
            batch.BatchCommands.Add(items);
            var history = new NpgsqlBatchCommand(_sql.DeleteHistoryOfSubject);
            history.Parameters.Add(new NpgsqlParameter<string[]>("subjects", [.. MemorySubjectTag.AllOf(Options.Serializer, subjectId)]));
            batch.BatchCommands.Add(history);
            _ = await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            var historyRows = batch.BatchCommands[1].RecordsAffected;

            // Items vanished without events of their own (the subject's rows went too): one marker says so.
            long? changeId = null;
            if (batch.BatchCommands[0].RecordsAffected + historyRows > 0)
            {
                await using var marker = new NpgsqlCommand(_sql.AppendErasure, connection);
                marker.Parameters.Add(new NpgsqlParameter<long>("at", Options.TimeProvider.GetUtcNow().UtcTicks));
                marker.Parameters.Add(new NpgsqlParameter<string>("channel", _sql.Channel));
                changeId = await ReadChangeIdAsync(marker, token).ConfigureAwait(false);
            }

            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (historyRows, changeId);
        }, cancellationToken).ConfigureAwait(false);
        FeedCommitted(changeId);

        foreach (var id in doomed)
        {
            _vectors.Remove(id);
        }

        var scrubbed = _postgres.ScrubAfterErase && await RunAsync(
            "vacuum the memory tables",
            (connection, token) => PostgresScrub.VacuumWhenUnseenAsync(connection, _sql.VacuumFull, _postgres.ScrubWaitTimeout, token),
            cancellationToken).ConfigureAwait(false);
        return new MemoryErasure(subjectId, doomed.Count, historyRows, scrubbed);
    }

    /// <inheritdoc />
    protected override Task<int> CountCoreAsync(MemoryNamespace prefix, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync("count memories", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(_sql.CountLive, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("low", prefix.StorageKey));
            command.Parameters.Add(new NpgsqlParameter<string>("high", prefix.StorageKeyUpperBound));
            command.Parameters.Add(new NpgsqlParameter<long>("now", now.UtcTicks));
            return Convert.ToInt32(await command.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> RemoveCoreAsync(
        IReadOnlyList<MemoryRemoval> removals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var committing = false;
        var (removed, changeId) = await RunAsync("remove memories", async (connection, token) =>
        {
            committing = false;
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var rows = await LockAsync(connection, [.. removals.Select(removal => removal.Key).Distinct()], token).ConfigureAwait(false);
            var removed = new List<(long Id, MemoryItem Item)>();
            var changes = new List<MemoryChange>();
            await using var batch = new NpgsqlBatch(connection);
            foreach (var removal in removals)
            {
                if (rows.Remove(removal.Key, out var row) && row.Item.Version == removal.Version)
                {
                    AddDelete(batch, row.Id);
                    changes.Add(MemoryChange.Removal(row.Item, removal.Kind, now, removal.Reason));
                    removed.Add(row);
                }
            }

            committing = true;
            if (changes.Count > 0)
            {
                return (removed, await CommitWithHistoryAsync(batch, changes, token).ConfigureAwait(false));
            }

            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (removed, (long?)null);
        }, cancellationToken, _postgres.MaxAttempts, () => committing).ConfigureAwait(false);
        FeedCommitted(changeId);

        foreach (var (id, _) in removed)
        {
            _vectors.Remove(id);
        }

        return [.. removed.Select(row => row.Item)];
    }

    // The row's delete, added to a batch run in the caller's transaction (its history row goes in CommitWithHistoryAsync).
    private void AddDelete(NpgsqlBatch batch, long id)
    {
        var delete = new NpgsqlBatchCommand(_sql.DeleteById);
        delete.Parameters.Add(new NpgsqlParameter<long>("id", id));
        batch.BatchCommands.Add(delete);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> with the history rows of <paramref name="changes"/> appended, numbered from the change
    /// counter (see <see cref="PostgresMemorySchema"/>), then <c>COMMIT</c>, in one round trip; returns the new latest change
    /// id. The counter's row lock is held from the history insert to the commit: sending the commit in the same batch keeps
    /// a client round trip out of that window, so concurrent writers wait less.
    /// </summary>
    private async Task<long> CommitWithHistoryAsync(NpgsqlBatch batch, IReadOnlyList<MemoryChange> changes, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(_sql.AppendHistory);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ns", [.. changes.Select(change => change.Namespace.StorageKey)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. changes.Select(change => change.Key)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("versions", [.. changes.Select(change => change.Version)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("kinds", [.. changes.Select(change => (int)change.Kind)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("ats", [.. changes.Select(change => change.At.UtcTicks)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("subjects", [.. changes.Select(change => MemorySubjectTag.Of(Options.Serializer, change.SubjectId))]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("bodies", [.. changes.Select(change => MemoryChangeCodec.Encode(change, Options.Serializer))]));
        command.Parameters.Add(new NpgsqlParameter<string>("channel", _sql.Channel));
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        // Only the history statement returns rows: the reader skips the others' results. Reading to the end surfaces an
        // error of the commit itself.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var changeId = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? reader.GetInt64(0)
            : throw new InvalidOperationException($"The memory state row is missing from {_sql.State}.");
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return changeId;
    }

    private async Task<long> ReadChangeIdAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? reader.GetInt64(0)
            : throw new InvalidOperationException($"The memory state row is missing from {_sql.State}.");
    }
}
