using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    private const int SqliteConstraint = 19;

    /// <summary>
    /// Another checkpoint of the scope whose parent is <c>$parent</c>: explicitly, or implicitly as the
    /// checkpoint right after it. A child always has a greater (later) id than its parent, so only
    /// checkpoints after the parent are candidates: continuing the latest checkpoint checks no row at all.
    /// </summary>
    private const string ChildOfParent =
        "SELECT 1 FROM checkpoints c WHERE c.scope = $scope AND c.id > $parent AND c.id <> $id AND (c.parent = $parent OR (" +
        "c.parent IS NULL AND EXISTS (SELECT 1 FROM checkpoints p WHERE p.scope = $scope AND p.id = $parent) " +
        "AND NOT EXISTS (SELECT 1 FROM checkpoints m WHERE m.scope = $scope AND m.id > $parent AND m.id < c.id))) LIMIT 1;";

    /// <inheritdoc />
    public override Task PutAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(newChunks);
        foreach (var chunk in newChunks)
        {
            ArgumentNullException.ThrowIfNull(chunk, nameof(newChunks));
            ArgumentOutOfRangeException.ThrowIfNegative(chunk.Sequence, nameof(newChunks));
        }

        var body = CheckpointRecordCodec.Encode(checkpoint, _serializer);
        var id = SqliteKeys.ToBytes(checkpoint.Id);
        var parent = SqliteKeys.ToBytesOrNull(checkpoint.ParentId);
        return RunAsync(write: true, async session =>
        {
            var scope = await SqliteNames.GetOrCreateScopeAsync(session, checkpoint.ThreadId, checkpoint.Namespace, cancellationToken).ConfigureAwait(false);
            if (mode == PutMode.Continue)
            {
                // A re-put of the same checkpoint is not a second child.
                var taken = checkpoint.ParentId is null
                    ? await session.ScalarAsync(
                        "SELECT 1 FROM checkpoints WHERE scope = $scope AND id <> $id LIMIT 1;",
                        cancellationToken, ("$scope", scope), ("$id", id)).ConfigureAwait(false)
                    : await session.ScalarAsync(ChildOfParent, cancellationToken, ("$scope", scope), ("$parent", parent), ("$id", id)).ConfigureAwait(false);
                if (taken is not null)
                {
                    throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
                }
            }

            var storedParent = await StoredParentAsync(session, scope, id, checkpoint.ParentId, cancellationToken).ConfigureAwait(false);
            try
            {
                _ = await session.ExecuteAsync(
                    "INSERT INTO checkpoints (scope, id, parent, body) VALUES ($scope, $id, $parent, $body) " +
                    "ON CONFLICT (scope, id) DO UPDATE SET parent = excluded.parent, body = excluded.body;",
                    cancellationToken, ("$scope", scope), ("$id", id), ("$parent", storedParent), ("$body", body)).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
            {
                throw new InvalidOperationException(
                    $"Checkpoint {checkpoint.Id} already exists in another thread or namespace than '{checkpoint.ThreadId}' (namespace '{checkpoint.Namespace}').", ex);
            }

            if (mode == PutMode.Continue && checkpoint.ParentId is not null)
            {
                _ = await session.ExecuteAsync(
                    "DELETE FROM writes WHERE scope = $scope AND checkpoint = $parent;",
                    cancellationToken, ("$scope", scope), ("$parent", parent)).ConfigureAwait(false);
            }

            await InsertChunksAsync(session, scope, newChunks, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task PutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync(write: true, async session =>
        {
            var scope = await SqliteNames.GetOrCreateScopeAsync(session, threadId, checkpointNamespace, cancellationToken).ConfigureAwait(false);
            using var command = session.Command(
                "INSERT OR REPLACE INTO writes (scope, checkpoint, task, idx, node, channel, value) " +
                "VALUES ($scope, $checkpoint, $task, $idx, $node, $channel, $value);");
            command.Parameters.AddWithValue("$scope", scope);
            command.Parameters.AddWithValue("$checkpoint", SqliteKeys.ToBytes(checkpointId));
            var task = command.Parameters.Add("$task", SqliteType.Text);
            var index = command.Parameters.Add("$idx", SqliteType.Integer);
            var node = command.Parameters.Add("$node", SqliteType.Text);
            var channel = command.Parameters.Add("$channel", SqliteType.Text);
            var value = command.Parameters.Add("$value", SqliteType.Blob);
            foreach (var write in writes)
            {
                ArgumentNullException.ThrowIfNull(write, nameof(writes));
                task.Value = write.TaskId;
                index.Value = write.Index;
                node.Value = write.Node;
                channel.Value = write.Channel;
                value.Value = write.Value;
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    private static async Task InsertChunksAsync(
        SqliteSession session, long scope, IReadOnlyList<BlobChunk> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0)
        {
            return;
        }

        var blobs = new Dictionary<Guid, long>();
        using var command = session.Command("INSERT OR IGNORE INTO chunks (chunk, data) VALUES ($chunk, $data);");
        var key = command.Parameters.Add("$chunk", SqliteType.Integer);
        var data = command.Parameters.Add("$data", SqliteType.Blob);
        foreach (var chunk in chunks)
        {
            if (!blobs.TryGetValue(chunk.BlobId, out var blob))
            {
                blob = await SqliteNames.GetOrCreateBlobAsync(session, scope, chunk.BlobId, cancellationToken).ConfigureAwait(false);
                blobs[chunk.BlobId] = blob;
            }

            key.Value = SqliteKeys.ChunkKey(blob, chunk.Sequence);
            data.Value = chunk.Data;
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The value to store in the parent column of a new or replaced checkpoint (see <see cref="SqliteParents"/>);
    /// first makes the next checkpoint's implicit parent explicit when the new one lands before it.
    /// </summary>
    private static async Task<object> StoredParentAsync(
        SqliteSession session, long scope, byte[] id, Guid? parentId, CancellationToken cancellationToken)
    {
        var exists = await session.ScalarAsync(
            "SELECT 1 FROM checkpoints WHERE scope = $scope AND id = $id;", cancellationToken, ("$scope", scope), ("$id", id)).ConfigureAwait(false);
        if (exists is null &&
            await session.ScalarAsync(
                "SELECT id FROM checkpoints WHERE scope = $scope AND id > $id ORDER BY id LIMIT 1;",
                cancellationToken, ("$scope", scope), ("$id", id)).ConfigureAwait(false) is byte[] next)
        {
            _ = await session.ExecuteAsync(SqliteParents.MakeExplicit, cancellationToken, ("$scope", scope), ("$id", next)).ConfigureAwait(false);
        }

        var previous = await session.ScalarAsync(
            "SELECT id FROM checkpoints WHERE scope = $scope AND id < $id ORDER BY id DESC LIMIT 1;",
            cancellationToken, ("$scope", scope), ("$id", id)).ConfigureAwait(false) as byte[];
        if (parentId is not { } parent)
        {
            return previous is null ? DBNull.Value : SqliteParents.None;
        }

        var parentBytes = SqliteKeys.ToBytes(parent);
        return previous is not null && previous.AsSpan().SequenceEqual(parentBytes) ? DBNull.Value : parentBytes;
    }
}
