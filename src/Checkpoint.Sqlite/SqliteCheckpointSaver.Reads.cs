using System.Runtime.CompilerServices;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    private const int ListBatchSize = 64;

    /// <summary>What <see cref="ReadRows"/> reads of a checkpoint row <c>c</c> and its scope's names <c>t</c> and <c>n</c>.</summary>
    private const string CheckpointColumns = "SELECT c.scope, c.id, " + SqliteParents.Resolved + ", c.body, t.name, n.name ";

    private const string SelectCheckpoint = CheckpointColumns + "FROM {checkpoints} c " + SqliteNames.JoinScope;

    /// <summary>
    /// A checkpoint by id alone: the scopes holding an id with its first six bytes (<c>{id_prefixes}</c>, see
    /// <see cref="SqliteSchema"/>), then the row in each; CROSS JOIN keeps that order.
    /// </summary>
    private const string SelectById =
        CheckpointColumns + "FROM {id_prefixes} ip " +
        "CROSS JOIN {checkpoints} c ON c.scope = ip.scope AND c.id = $id " + SqliteNames.JoinScope +
        "WHERE ip.prefix = substr($id, 1, 6) AND " + LiveThread + ";";

    private const string InScope = "WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns AND " + LiveThread + " ";

    private const string ListInScope = SelectCheckpoint + InScope + "AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    private const string ListInThread = SelectCheckpoint +
        "WHERE t.owner = 0 AND t.name = $thread AND " + LiveThread + " AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    private const string ListInNamespace = SelectCheckpoint +
        "WHERE n.name = $ns AND " + LiveThread + " AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    /// <summary>The chunks of blob <c>$blob</c> of scope (<c>$thread</c>, <c>$ns</c>) with sequence &lt; <c>$end</c>, in order.</summary>
    // From the chunk holding the run's first item (the last one at or before it) to the run's end.
    private const string ChunksOfRun =
        "SELECT c.chunk, c.data FROM {names} b JOIN {chunks} c ON c.chunk >= COALESCE((SELECT f.chunk FROM {chunks} f " +
        "WHERE f.chunk >= (b.id << 32) AND f.chunk <= (b.id << 32) + $start ORDER BY f.chunk DESC LIMIT 1), b.id << 32) " +
        "AND c.chunk < (b.id << 32) + $end " +
        "WHERE b.owner = " + SqliteNames.LiveScopeOf + " AND b.name = $blob ORDER BY c.chunk;";

    private const string ListAll = SelectCheckpoint +
        "WHERE " + LiveThread + " AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    /// <inheritdoc />
    protected override Task<CheckpointTuple?> GetCoreAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken)
    {
        var sql = checkpointId is null
            ? SelectCheckpoint + InScope + "ORDER BY c.id DESC LIMIT 1;"
            : SelectCheckpoint + InScope + "AND c.id = $id;";
        var id = checkpointId is { } value ? SqliteKeys.ToBytes(value) : null;
        var live = LiveAfter();
        return RunAsync(write: false, session => ReadSingle(session, id is null
            ? session.Command(sql, ("$thread", threadId), ("$ns", checkpointNamespace), ("$live", live))
            : session.Command(sql, ("$thread", threadId), ("$ns", checkpointNamespace), ("$live", live), ("$id", id))), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken) =>
        RunAsync(
            write: false,
            session => ReadSingle(session, session.Command(SelectById, ("$id", SqliteKeys.ToBytes(checkpointId)), ("$live", LiveAfter()))),
            cancellationToken);

    /// <inheritdoc />
    protected override IAsyncEnumerable<CheckpointTuple> ListCoreAsync(CheckpointFilter filter, CancellationToken cancellationToken)
    {
        return ListStoredAsync(filter, cancellationToken);
    }

    private async IAsyncEnumerable<CheckpointTuple> ListStoredAsync(
        CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = filter.Limit ?? int.MaxValue;
        var metadata = filter.Metadata is { Count: > 0 } pairs ? pairs : null;
        var cursor = filter.Before is { } before ? SqliteKeys.ToBytes(before) : SqliteKeys.AfterEveryId;
        var live = LiveAfter(); // one cutoff for the whole listing: a thread does not vanish halfway through it
        var sql = (filter.ThreadId, filter.Namespace) switch
        {
            (not null, not null) => ListInScope,
            (not null, null) => ListInThread,
            (null, not null) => ListInNamespace,
            _ => ListAll,
        };

        // Batches keyed by the last id read: no connection or snapshot is held while the caller
        // consumes the stream, and the metadata filter is applied before the limit.
        while (remaining > 0)
        {
            var batchSize = metadata is null ? Math.Min(remaining, ListBatchSize) : ListBatchSize;
            var (tuples, last, rowsRead) = await RunAsync(write: false, session =>
            {
                var rows = ReadRows(session, session.Command(
                    sql,
                    ("$thread", (object?)filter.ThreadId ?? DBNull.Value),
                    ("$ns", (object?)filter.Namespace ?? DBNull.Value),
                    ("$live", live),
                    ("$cursor", cursor),
                    ("$limit", batchSize)));
                var matches = new List<CheckpointTuple>(rows.Count);
                foreach (var row in rows)
                {
                    var record = Decode(row.Body, row.Id, row.ThreadId, row.Namespace, row.ParentId);
                    if (metadata is null || MetadataFilter.Matches(record.Metadata, metadata))
                    {
                        var writes = ReadWrites(session, row.Scope, row.Id);
                        matches.Add(new CheckpointTuple(record, writes));
                        if (matches.Count == remaining)
                        {
                            break;
                        }
                    }
                }

                return (matches, rows.Count > 0 ? rows[^1].Id : (Guid?)null, rows.Count);
            }, cancellationToken).ConfigureAwait(false);

            foreach (var tuple in tuples)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return tuple;
                remaining--;
            }

            if (rowsRead < batchSize || last is null)
            {
                yield break;
            }

            cursor = SqliteKeys.ToBytes(last.Value);
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<BlobChunk>> ReadChunksCoreAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken)
    {
        var live = LiveAfter();
        return RunAsync<IReadOnlyList<BlobChunk>>(write: false, session =>
        {
            // One statement per run: the scope and blob lookups are joined to the key range of its chunks.
            var chunks = new List<BlobChunk>();
            foreach (var run in runs)
            {
                if (run.End <= 0)
                {
                    continue;
                }

                using var reader = session.Command(
                    ChunksOfRun,
                    ("$thread", threadId), ("$ns", checkpointNamespace), ("$live", live), ("$blob", SqliteKeys.ToBytes(run.BlobId)),
                    ("$start", (long)run.Start), ("$end", (long)run.End)).ExecuteReader();
                while (reader.Read())
                {
                    chunks.Add(new BlobChunk(run.BlobId, SqliteKeys.Sequence(reader.GetInt64(0)), (byte[])reader.GetValue(1)));
                }
            }

            return chunks;
        }, cancellationToken);
    }

    private CheckpointTuple? ReadSingle(SqliteSession session, SqliteCommand command)
    {
        var rows = ReadRows(session, command);
        if (rows.Count == 0)
        {
            return null;
        }

        var row = rows[0];
        var record = Decode(row.Body, row.Id, row.ThreadId, row.Namespace, row.ParentId);
        return new CheckpointTuple(record, ReadWrites(session, row.Scope, row.Id));
    }

    /// <summary>The rows of a checkpoint query, with bodies stored in record groups read from their groups.</summary>
    private List<StoredCheckpoint> ReadRows(SqliteSession session, SqliteCommand command)
    {
        var rows = new List<StoredCheckpoint>();
        var grouped = false;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var body = (byte[])reader.GetValue(3);
                grouped |= SqliteRecordGroups.IsReference(body);
                rows.Add(new StoredCheckpoint(
                    reader.GetInt64(0),
                    SqliteKeys.FromBytes((byte[])reader.GetValue(1)),
                    reader.IsDBNull(2) ? null : SqliteKeys.FromBytes((byte[])reader.GetValue(2)),
                    body,
                    reader.GetString(4),
                    reader.GetString(5)));
            }
        }

        if (grouped)
        {
            var groups = new SqliteRecordGroups.Reader(session, _groupCache);
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i] = rows[i] with { Body = groups.Body(rows[i].Body, rows[i].Id, rows[i].ThreadId) };
            }
        }

        return rows;
    }

    private static IReadOnlyList<PendingWrite> ReadWrites(SqliteSession session, long scope, Guid checkpointId)
    {
        List<PendingWrite>? writes = null;
        using var reader = session.Command(
            "SELECT task, node, idx, channel, value FROM {writes} WHERE scope = $scope AND checkpoint = $id ORDER BY task, idx;",
            ("$scope", scope), ("$id", SqliteKeys.ToBytes(checkpointId))).ExecuteReader();
        while (reader.Read())
        {
            (writes ??= []).Add(new PendingWrite(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), (byte[])reader.GetValue(4)));
        }

        return writes is null ? Array.Empty<PendingWrite>() : writes;
    }
}
