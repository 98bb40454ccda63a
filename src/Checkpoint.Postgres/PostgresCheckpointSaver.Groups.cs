using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>
/// Record groups (schema version 4): forming them after puts, releasing them before a change that involves a member,
/// and reading their members.
/// </content>
public sealed partial class PostgresCheckpointSaver
{
    /// <summary>Advisory lock class id of grouping (the object id is the thread's hash): one grouping per thread at a time.</summary>
    private const int GroupLockClass = 0x43484B47; // "CHKG"

    /// <summary>How often a put retries after releasing the groups in its way (a concurrent put may group them again).</summary>
    private const int MaxPutAttempts = 5;

    /// <summary>Whether this saver groups older records (<see cref="PostgresCheckpointSaverOptions.GroupOlderRecords"/>; never with encryption).</summary>
    private bool Groups => _groupOlderRecords && !Serializer.Encrypts;

    /// <summary>A stored group row: its thread, namespace, member ids (oldest first), data and its members' pending writes.</summary>
    private sealed record GroupRow(string ThreadId, string Namespace, Guid[] Ids, byte[] Data, Dictionary<Guid, List<PendingWrite>> Writes);

    /// <summary>After a put at a grouping step: groups the namespace's older loose records in a transaction of its own.</summary>
    /// <remarks>
    /// Not in the put's batch, which stays one round trip: grouping needs the bodies in hand (they are compressed
    /// here). A crash between the two loses nothing; the next grouping step takes the records.
    /// </remarks>
    private async Task GroupAfterPutAsync(string threadId, string checkpointNamespace, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                var formed = await GroupAsync(connection, transaction, threadId, checkpointNamespace, all: false, token).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                return formed;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// In <paramref name="transaction"/>: groups the oldest loose records of a namespace beyond its newest
    /// <see cref="PostgresRecordGroups.KeepLoose"/> (empty metadata, small body, no pending writes), in whole groups of
    /// <see cref="PostgresRecordGroups.GroupSize"/>. After a put at most <see cref="PostgresRecordGroups.PutMost"/> records are
    /// grouped; <paramref name="all"/> groups every one (after a prune or a copy). Returns the number of groups written;
    /// 0 when another transaction is grouping the thread.
    /// </summary>
    private async Task<int> GroupAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, string checkpointNamespace, bool all, CancellationToken token)
    {
        var members = new List<PostgresRecordGroups.Member>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // One round trip: the thread lock shared (a prune waits; a no-op when the caller holds it exclusively), the
            // grouping lock when free, and the rows taken only when it was.
            batch.BatchCommands.Add(Command(_sql.SharedThreadLock, Int("class", ThreadLockClass), Text("lock_key", threadId)));
            batch.BatchCommands.Add(Command(_sql.Groups.TryGroupLock, Int("class", GroupLockClass), Text("lock_key", threadId)));
            batch.BatchCommands.Add(Command(
                _sql.Groups.TakeMembers, Text("thread", threadId), Text("ns", checkpointNamespace),
                Int("keep", PostgresRecordGroups.KeepLoose), NullableInt("most", all ? null : PostgresRecordGroups.PutMost),
                Int("max_body", PostgresRecordGroups.MaxBody), Int("size", PostgresRecordGroups.GroupSize),
                Int("class", GroupLockClass), Text("lock_key", threadId)));
            if (!all)
            {
                // After a put, in a transaction of its own: its commit need not wait for the WAL flush. A crash may lose
                // the grouping, never half of it, and then the rows are simply still loose; the put's own commit was waited for.
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
            }

            await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.NextResultAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false) || !reader.GetBoolean(0))
            {
                return 0;
            }

            await reader.NextResultAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                members.Add(new PostgresRecordGroups.Member(
                    reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetBoolean(2), reader.GetFieldValue<byte[]>(3)));
            }
        }

        if (members.Count == 0)
        {
            return 0;
        }

        members.Sort((x, y) => CheckpointIdComparer.Instance.Compare(x.Id, y.Id));
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // Whole groups, unless a concurrent delete took rows meanwhile: then the rest is a smaller group.
            for (var start = 0; start < members.Count; start += PostgresRecordGroups.GroupSize)
            {
                var group = members.GetRange(start, Math.Min(PostgresRecordGroups.GroupSize, members.Count - start));
                batch.BatchCommands.Add(Command(
                    _sql.Groups.InsertGroup, Text("thread", threadId), Text("ns", checkpointNamespace),
                    Uuid("last_id", group[^1].Id), Uuid("first_id", group[0].Id),
                    UuidArray("ids", [.. group.Select(member => member.Id)]),
                    UuidArray("parents", PostgresRecordGroups.OutsideParents(group)),
                    Bytes("data", PostgresRecordGroups.Encode(group))));
            }

            await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return batch.BatchCommands.Count;
        }
    }

    /// <summary>Groups the older loose records of every namespace of a thread, in <paramref name="transaction"/>.</summary>
    private async Task GroupThreadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, CancellationToken token)
    {
        if (!Groups)
        {
            return;
        }

        var namespaces = new List<string>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(_sql.Groups.Namespaces, Text("thread", threadId)));
            await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                namespaces.Add(reader.GetString(0));
            }
        }

        foreach (var checkpointNamespace in namespaces)
        {
            _ = await GroupAsync(connection, transaction, threadId, checkpointNamespace, all: true, token).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the groups a put of <paramref name="checkpoint"/> found in its way (see <c>check_put</c>), in a transaction of its own.</summary>
    private async Task ReleaseForPutAsync(CheckpointRecord checkpoint, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(_sql.SharedThreadLock, Int("class", ThreadLockClass), Text("lock_key", checkpoint.ThreadId)));
                    await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                var released = await ReleaseAsync(
                    connection, transaction, checkpoint.ThreadId,
                    Command(_sql.Groups.LockForPut, Text("thread", checkpoint.ThreadId), Text("ns", checkpoint.Namespace),
                        Uuid("id", checkpoint.Id), NullableUuid("parent", checkpoint.ParentId)),
                    token).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                return released;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases every group of a thread to loose rows, in <paramref name="transaction"/> (before a prune).</summary>
    private Task<int> ReleaseThreadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, CancellationToken token) =>
        ReleaseAsync(connection, transaction, threadId, Command(_sql.Groups.LockThread, Text("thread", threadId)), token);

    /// <summary>
    /// Puts the members of the groups <paramref name="select"/> locks (rows of namespace, last id, ids, data) back as
    /// loose rows with empty metadata, and deletes the groups. Returns the number of groups released.
    /// </summary>
    private async Task<int> ReleaseAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, NpgsqlBatchCommand select, CancellationToken token)
    {
        var groups = new List<(string Namespace, Guid LastId, Guid[] Ids, byte[] Data)>();
        await using (var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { select } })
        await using (var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                groups.Add((reader.GetString(0), reader.GetGuid(1), reader.GetFieldValue<Guid[]>(2), reader.GetFieldValue<byte[]>(3)));
            }
        }

        if (groups.Count == 0)
        {
            return 0;
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var byNamespace in groups.GroupBy(group => group.Namespace, StringComparer.Ordinal))
            {
                var members = byNamespace.SelectMany(group => PostgresRecordGroups.Decode(threadId, group.Ids, group.Data)).ToArray();
                batch.BatchCommands.Add(Command(
                    _sql.Groups.DeleteGroups, Text("thread", threadId), Text("ns", byNamespace.Key),
                    UuidArray("last_ids", [.. byNamespace.Select(group => group.LastId)])));
                batch.BatchCommands.Add(Command(
                    _sql.Groups.InsertLoose, Text("thread", threadId), Text("ns", byNamespace.Key),
                    UuidArray("ids", [.. members.Select(member => member.Id)]),
                    NullableUuidArray("parents", [.. members.Select(member => member.ParentId)]),
                    BoolArray("continues", [.. members.Select(member => member.Continues)]),
                    BytesArray("bodies", [.. members.Select(member => member.Body)])));
            }

            await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        return groups.Count;
    }
}
