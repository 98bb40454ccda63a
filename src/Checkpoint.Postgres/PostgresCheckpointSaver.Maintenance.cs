using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Thread maintenance: delete, copy (prune is in the Retention part).</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <summary>Advisory lock class id of per-thread maintenance (the object id is the thread's hash).</summary>
    private const int ThreadLockClass = 0x43484B54; // "CHKT"

    /// <inheritdoc />
    protected override async Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await ExecuteAsync(
            async (connection, token) =>
            {
                // One batch: one implicit transaction.
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        Command(_sql.DeleteThreadWrites, Text("thread", threadId)),
                        Command(_sql.DeleteThreadChunks, Text("thread", threadId)),
                        Command(_sql.DeleteThreadCheckpoints, Text("thread", threadId)),
                        Command(_sql.Groups.DeleteThread, Text("thread", threadId)),
                        Command(_sql.DeleteThreadStamp, Text("thread", threadId)),
                    },
                };
                return await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task CopyThreadCoreAsync(
        string sourceThreadId, string targetThreadId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await ExecuteAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var oldIds = new List<Guid>();
                var sources = new List<(string Namespace, byte[] Body)>();
                var grouped = new List<(string Namespace, PostgresRecordGroups.Member Member)>();
                bool targetHasData;
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    // Copies into one target wait for each other, so "target is empty" stays true until commit.
                    batch.BatchCommands.Add(Command(_sql.ThreadLock, Int("class", ThreadLockClass), Text("lock_key", targetThreadId)));
                    var touched = AddTouch(batch, targetThreadId); // an expired target is emptied (and the copy is its put)
                    batch.BatchCommands.Add(Command(_sql.ThreadHasData, Text("thread", targetThreadId)));
                    batch.BatchCommands.Add(Live(Command(_sql.ThreadIds, Text("thread", sourceThreadId))));
                    await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                    await reader.NextResultAsync(token).ConfigureAwait(false);
                    if (touched)
                    {
                        await reader.NextResultAsync(token).ConfigureAwait(false);
                    }

                    await reader.ReadAsync(token).ConfigureAwait(false);
                    targetHasData = reader.GetBoolean(0);
                    await reader.NextResultAsync(token).ConfigureAwait(false);
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        if (reader.IsDBNull(0))
                        {
                            var ns = reader.GetString(1);
                            grouped.AddRange(PostgresRecordGroups.Decode(sourceThreadId, reader.GetFieldValue<Guid[]>(3), reader.GetFieldValue<byte[]>(4))
                                .Select(member => (ns, member)));
                            continue;
                        }

                        oldIds.Add(reader.GetGuid(0));
                        sources.Add((reader.GetString(1), (byte[])reader.GetValue(2)));
                    }
                }

                // Grouped checkpoints are copied as loose rows (their writes and chunks as the others'), then grouped again.
                var isGrouped = grouped.Select(entry => entry.Member.Id).ToHashSet();
                oldIds.AddRange(grouped.Select(entry => entry.Member.Id));
                sources.AddRange(grouped.Select(entry => (entry.Namespace, entry.Member.Body)));
                var order = Enumerable.Range(0, oldIds.Count).Order(Comparer<int>.Create((x, y) => CheckpointIdComparer.Instance.Compare(oldIds[x], oldIds[y]))).ToArray();
                oldIds = [.. order.Select(i => oldIds[i])];
                sources = [.. order.Select(i => sources[i])];

                if (oldIds.Count == 0)
                {
                    throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
                }

                if (targetHasData)
                {
                    throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
                }

                // New ids in the order of the old ones (the query returned them oldest first).
                var newIds = oldIds.Select(_ => CheckpointIds.NewId(_timeProvider)).ToArray();
                var old = oldIds.ToArray();
                var newIdOf = old.Select((id, i) => (id, i)).ToDictionary(pair => pair.id, pair => newIds[pair.i]);

                // A body stores its creation time relative to its id: each copy gets its body re-encoded for its new id.
                var bodies = sources.Select((source, i) =>
                    CheckpointRecordCodec.Rebase(source.Body, old[i], sourceThreadId, source.Namespace, newIds[i], targetThreadId, Serializer)).ToArray();
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(
                        _sql.CopyCheckpoints, Text("thread", sourceThreadId), Text("target", targetThreadId),
                        UuidArray("old_ids", old), UuidArray("new_ids", newIds), new NpgsqlParameter<byte[][]>("bodies", bodies)));
                    batch.BatchCommands.Add(Command(
                        _sql.CopyChunks, Text("thread", sourceThreadId), Text("target", targetThreadId)));
                    batch.BatchCommands.Add(Command(
                        _sql.CopyWrites, Text("thread", sourceThreadId), Text("target", targetThreadId),
                        UuidArray("old_ids", old), UuidArray("new_ids", newIds)));
                    if (grouped.Count > 0)
                    {
                        var bodyOf = old.Select((id, i) => (id, i)).Where(pair => isGrouped.Contains(pair.id)).ToDictionary(pair => pair.id, pair => bodies[pair.i]);
                        batch.BatchCommands.Add(Command(
                            _sql.Groups.CopyMembers, Text("target", targetThreadId),
                            UuidArray("ids", [.. grouped.Select(entry => newIdOf[entry.Member.Id])]),
                            TextArray("namespaces", [.. grouped.Select(entry => entry.Namespace)]),
                            NullableUuidArray("parents", [.. grouped.Select(entry =>
                                entry.Member.ParentId is { } parent ? newIdOf.GetValueOrDefault(parent, parent) : (Guid?)null)]),
                            BoolArray("continues", [.. grouped.Select(entry => entry.Member.Continues)]),
                            BytesArray("bodies", [.. grouped.Select(entry => bodyOf[entry.Member.Id])])));
                    }

                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                await GroupThreadAsync(connection, transaction, targetThreadId, token).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                return true;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }
}
