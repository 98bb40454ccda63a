using System.Runtime.CompilerServices;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Reading grouped checkpoints: group rows of <see cref="PostgresGroupSql.Select"/> and their members as tuples.</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <summary>
    /// Reads one checkpoint: <paramref name="loose"/> (a <see cref="PostgresSql.SelectTuple"/> query) and, in the same
    /// round trip, <paramref name="group"/> (its group, when grouped); a checkpoint is in one of the two.
    /// </summary>
    private Task<CheckpointTuple?> QueryOneAsync(NpgsqlBatchCommand loose, NpgsqlBatchCommand group, Guid checkpointId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            async (connection, token) =>
            {
                await using var batch = new NpgsqlBatch(connection) { BatchCommands = { Clone(loose), Clone(group) } };
                await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
                if (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    return ReadTuple(reader, Serializer);
                }

                await reader.NextResultAsync(token).ConfigureAwait(false);
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    var row = ReadGroupRow(reader);
                    if (GroupTuples(row, checkpointId) is [var found])
                    {
                        return found;
                    }
                }

                return null;
            },
            migrate: true, cancellationToken);

    /// <summary>Reads a row of <see cref="PostgresGroupSql.Select"/>.</summary>
    private static GroupRow ReadGroupRow(NpgsqlDataReader reader)
    {
        var writes = new Dictionary<Guid, List<PendingWrite>>();
        if (!reader.IsDBNull(4))
        {
            var checkpointIds = reader.GetFieldValue<Guid[]>(4);
            var all = ReadWrites(reader, 5);
            for (var i = 0; i < checkpointIds.Length; i++)
            {
                if (!writes.TryGetValue(checkpointIds[i], out var list))
                {
                    writes[checkpointIds[i]] = list = [];
                }

                list.Add(all[i]);
            }
        }

        return new GroupRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<Guid[]>(2), reader.GetFieldValue<byte[]>(3), writes);
    }

    /// <summary>The members of a group as tuples, oldest first (the group decoded once); with <paramref name="only"/>, that member alone.</summary>
    private List<CheckpointTuple> GroupTuples(GroupRow row, Guid? only = null)
    {
        var members = PostgresRecordGroups.Decode(row.ThreadId, row.Ids, row.Data, only);
        var tuples = new List<CheckpointTuple>(only is null ? members.Length : 1);
        foreach (var member in members)
        {
            if (only is { } id && member.Id != id)
            {
                continue;
            }

            var record = CheckpointRecordCodec.Decode(member.Body, member.Id, row.ThreadId, row.Namespace, member.ParentId, Serializer);
            var writes = row.Writes.TryGetValue(member.Id, out var list) ? [.. list] : Array.Empty<PendingWrite>();
            SortWrites(writes);
            tuples.Add(new CheckpointTuple(record, writes));
        }

        return tuples;
    }

    /// <summary>
    /// Merges the loose rows <paramref name="reader"/> streams (newest first) with the members of <paramref name="groups"/>
    /// (ordered by their newest member) into one listing, newest first, up to the filter's limit. A group is decoded only
    /// when it may hold the next checkpoint: when its newest member is above every candidate in hand.
    /// </summary>
    private async IAsyncEnumerable<CheckpointTuple> MergeAsync(
        NpgsqlDataReader reader, List<GroupRow> groups, CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ids = CheckpointIdComparer.Instance;
        var members = new PriorityQueue<CheckpointTuple, Guid>(Comparer<Guid>.Create((x, y) => ids.Compare(y, x)));
        var next = 0;
        var emitted = 0;
        var loose = await NextLooseAsync(reader, cancellationToken).ConfigureAwait(false);
        while (filter.Limit is not { } limit || emitted < limit)
        {
            while (next < groups.Count)
            {
                Guid? best = loose?.Checkpoint.Id;
                if (members.TryPeek(out var top, out _) && (best is null || ids.Compare(top.Checkpoint.Id, best.Value) > 0))
                {
                    best = top.Checkpoint.Id;
                }

                if (best is { } bound && ids.Compare(groups[next].Ids[^1], bound) < 0)
                {
                    break;
                }

                foreach (var tuple in GroupTuples(groups[next++]))
                {
                    if (filter.Before is not { } before || ids.Compare(tuple.Checkpoint.Id, before) < 0)
                    {
                        members.Enqueue(tuple, tuple.Checkpoint.Id);
                    }
                }
            }

            if (loose is not null && (!members.TryPeek(out var grouped, out _) || ids.Compare(loose.Checkpoint.Id, grouped.Checkpoint.Id) > 0))
            {
                yield return loose;
                loose = await NextLooseAsync(reader, cancellationToken).ConfigureAwait(false);
            }
            else if (members.TryDequeue(out var member, out _))
            {
                yield return member;
            }
            else
            {
                yield break;
            }

            emitted++;
        }
    }

    private async Task<CheckpointTuple?> NextLooseAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        // Rows already buffered do not look at the token: check it before each one.
        cancellationToken.ThrowIfCancellationRequested();
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadTuple(reader, Serializer) : null;
    }

    /// <summary>The records of a thread's live groups (in <paramref name="transaction"/>), each group decoded once.</summary>
    private async Task<List<CheckpointRecord>> ReadGroupedRecordsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, CancellationToken token) =>
        [.. (await ReadGroupMembersAsync(connection, transaction, threadId, token).ConfigureAwait(false)).Select(grouped =>
            CheckpointRecordCodec.Decode(grouped.Member.Body, grouped.Member.Id, threadId, grouped.Namespace, grouped.Member.ParentId, Serializer))];

    /// <summary>The members of a thread's live groups with their namespaces (in <paramref name="transaction"/>).</summary>
    private async Task<List<(string Namespace, PostgresRecordGroups.Member Member)>> ReadGroupMembersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string threadId, CancellationToken token)
    {
        var rows = new List<(string Namespace, Guid[] Ids, byte[] Data)>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Live(Command(_sql.Groups.ThreadGroups, Text("thread", threadId))));
            await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetFieldValue<Guid[]>(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        return [.. rows.SelectMany(row => PostgresRecordGroups.Decode(threadId, row.Ids, row.Data).Select(member => (row.Namespace, member)))];
    }
}
