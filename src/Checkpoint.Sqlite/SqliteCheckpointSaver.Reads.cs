using System.Runtime.CompilerServices;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    private const int ListBatchSize = 64;

    private const string SelectCheckpoint =
        "SELECT c.scope, c.id, " + SqliteParents.Resolved + ", c.body, t.name, n.name FROM checkpoints c " + SqliteNames.JoinScope;

    private const string InScope = "WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns ";

    private const string ListInScope = SelectCheckpoint + InScope + "AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    private const string ListInThread = SelectCheckpoint +
        "WHERE t.owner = 0 AND t.name = $thread AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    private const string ListInNamespace = SelectCheckpoint +
        "WHERE n.name = $ns AND c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    private const string ListAll = SelectCheckpoint +
        "WHERE c.id < $cursor ORDER BY c.id DESC LIMIT $limit;";

    /// <inheritdoc />
    public override Task<CheckpointTuple?> GetAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        var sql = checkpointId is null
            ? SelectCheckpoint + InScope + "ORDER BY c.id DESC LIMIT 1;"
            : SelectCheckpoint + InScope + "AND c.id = $id;";
        return RunAsync(write: false, async session =>
        {
            using var command = session.Command(sql);
            command.Parameters.AddWithValue("$thread", threadId);
            command.Parameters.AddWithValue("$ns", checkpointNamespace);
            if (checkpointId is { } id)
            {
                command.Parameters.AddWithValue("$id", SqliteKeys.ToBytes(id));
            }

            return await ReadSingleAsync(session, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<CheckpointTuple?> GetByIdAsync(Guid checkpointId, CancellationToken cancellationToken = default) =>
        RunAsync(write: false, async session =>
        {
            using var command = session.Command(SelectCheckpoint + "WHERE c.id = $id;");
            command.Parameters.AddWithValue("$id", SqliteKeys.ToBytes(checkpointId));
            return await ReadSingleAsync(session, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public override IAsyncEnumerable<CheckpointTuple> ListAsync(CheckpointFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ListCoreAsync(filter, cancellationToken);
    }

    private async IAsyncEnumerable<CheckpointTuple> ListCoreAsync(
        CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var remaining = filter.Limit ?? int.MaxValue;
        var metadata = filter.Metadata is { Count: > 0 } pairs ? pairs : null;
        var cursor = filter.Before is { } before ? SqliteKeys.ToBytes(before) : SqliteKeys.AfterEveryId;
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
            var (tuples, last, rowsRead) = await RunAsync(write: false, async session =>
            {
                using var command = session.Command(sql);
                command.Parameters.AddWithValue("$thread", (object?)filter.ThreadId ?? DBNull.Value);
                command.Parameters.AddWithValue("$ns", (object?)filter.Namespace ?? DBNull.Value);
                command.Parameters.AddWithValue("$cursor", cursor);
                command.Parameters.AddWithValue("$limit", batchSize);
                var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
                var matches = new List<CheckpointTuple>(rows.Count);
                foreach (var row in rows)
                {
                    var record = Decode(row.Body, row.Id, row.ThreadId, row.Namespace, row.ParentId);
                    if (metadata is null || MetadataFilter.Matches(record.Metadata, metadata))
                    {
                        var writes = await ReadWritesAsync(session, row.Scope, row.Id, cancellationToken).ConfigureAwait(false);
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
    public override Task<IReadOnlyList<BlobChunk>> ReadChunksAsync(
        string threadId, string checkpointNamespace, IReadOnlyList<BlobRun> runs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<BlobChunk>>([]);
        }

        return RunAsync<IReadOnlyList<BlobChunk>>(write: false, async session =>
        {
            var chunks = new List<BlobChunk>();
            if (await SqliteNames.FindScopeAsync(session, threadId, checkpointNamespace, cancellationToken).ConfigureAwait(false) is not { } scope)
            {
                return chunks;
            }

            using var chunkCommand = session.Command("SELECT chunk, data FROM chunks WHERE chunk >= $from AND chunk < $to ORDER BY chunk;");
            var from = chunkCommand.Parameters.Add("$from", SqliteType.Integer);
            var to = chunkCommand.Parameters.Add("$to", SqliteType.Integer);
            foreach (var run in runs)
            {
                if (run.End <= 0 ||
                    await SqliteNames.FindBlobAsync(session, scope, run.BlobId, cancellationToken).ConfigureAwait(false) is not { } blob)
                {
                    continue;
                }

                from.Value = SqliteKeys.FirstKey(blob);
                to.Value = SqliteKeys.ChunkKey(blob, run.End);
                using var reader = await chunkCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    chunks.Add(new BlobChunk(run.BlobId, SqliteKeys.Sequence(reader.GetInt64(0)), (byte[])reader.GetValue(1)));
                }
            }

            return chunks;
        }, cancellationToken);
    }

    private async Task<CheckpointTuple?> ReadSingleAsync(SqliteSession session, SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var row = rows[0];
        var record = Decode(row.Body, row.Id, row.ThreadId, row.Namespace, row.ParentId);
        var writes = await ReadWritesAsync(session, row.Scope, row.Id, cancellationToken).ConfigureAwait(false);
        return new CheckpointTuple(record, writes);
    }

    private static async Task<List<StoredCheckpoint>> ReadRowsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredCheckpoint>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredCheckpoint(
                reader.GetInt64(0),
                SqliteKeys.FromBytes((byte[])reader.GetValue(1)),
                reader.IsDBNull(2) ? null : SqliteKeys.FromBytes((byte[])reader.GetValue(2)),
                (byte[])reader.GetValue(3),
                reader.GetString(4),
                reader.GetString(5)));
        }

        return rows;
    }

    private static async Task<IReadOnlyList<PendingWrite>> ReadWritesAsync(
        SqliteSession session, long scope, Guid checkpointId, CancellationToken cancellationToken)
    {
        using var command = session.Command(
            "SELECT task, node, idx, channel, value FROM writes WHERE scope = $scope AND checkpoint = $id ORDER BY task, idx;");
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$id", SqliteKeys.ToBytes(checkpointId));
        List<PendingWrite>? writes = null;
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (writes ??= []).Add(new PendingWrite(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), (byte[])reader.GetValue(4)));
        }

        return writes ?? (IReadOnlyList<PendingWrite>)[];
    }
}
