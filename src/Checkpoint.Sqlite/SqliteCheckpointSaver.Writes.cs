using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    private const int SqliteConstraint = 19;

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
            var scope = await GetOrCreateScopeAsync(session, checkpoint.ThreadId, checkpoint.Namespace, cancellationToken).ConfigureAwait(false);
            if (mode == PutMode.Continue)
            {
                // A child always has a greater (later) id than its parent, so only checkpoints after
                // the parent are candidates: continuing the latest checkpoint checks no row at all.
                // A re-put of the same checkpoint is not a second child.
                var taken = checkpoint.ParentId is null
                    ? await session.ScalarAsync(
                        "SELECT 1 FROM checkpoints WHERE scope = $scope AND id <> $id LIMIT 1;",
                        cancellationToken, ("$scope", scope), ("$id", id)).ConfigureAwait(false)
                    : await session.ScalarAsync(
                        "SELECT 1 FROM checkpoints WHERE scope = $scope AND id > $parent AND parent = $parent AND id <> $id LIMIT 1;",
                        cancellationToken, ("$scope", scope), ("$parent", parent), ("$id", id)).ConfigureAwait(false);
                if (taken is not null)
                {
                    throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
                }
            }

            try
            {
                _ = await session.ExecuteAsync(
                    "INSERT INTO checkpoints (scope, id, parent, body) VALUES ($scope, $id, $parent, $body) " +
                    "ON CONFLICT (scope, id) DO UPDATE SET parent = excluded.parent, body = excluded.body;",
                    cancellationToken, ("$scope", scope), ("$id", id), ("$parent", parent), ("$body", body)).ConfigureAwait(false);
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
            var scope = await GetOrCreateScopeAsync(session, threadId, checkpointNamespace, cancellationToken).ConfigureAwait(false);
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
                blob = await GetOrCreateBlobAsync(session, scope, chunk.BlobId, cancellationToken).ConfigureAwait(false);
                blobs[chunk.BlobId] = blob;
            }

            key.Value = SqliteKeys.ChunkKey(blob, chunk.Sequence);
            data.Value = chunk.Data;
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> GetOrCreateScopeAsync(
        SqliteSession session, string threadId, string checkpointNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        if (await session.ScalarAsync(
                "SELECT id FROM scopes WHERE thread = $thread AND ns = $ns;",
                cancellationToken, ("$thread", threadId), ("$ns", checkpointNamespace)).ConfigureAwait(false) is long existing)
        {
            return existing;
        }

        return (long)(await session.ScalarAsync(
            "INSERT INTO scopes (thread, ns) VALUES ($thread, $ns) RETURNING id;",
            cancellationToken, ("$thread", threadId), ("$ns", checkpointNamespace)).ConfigureAwait(false))!;
    }

    private static async Task<long> GetOrCreateBlobAsync(SqliteSession session, long scope, Guid blobId, CancellationToken cancellationToken)
    {
        var blob = SqliteKeys.ToBytes(blobId);
        if (await session.ScalarAsync(
                "SELECT id FROM blobs WHERE scope = $scope AND blob = $blob;",
                cancellationToken, ("$scope", scope), ("$blob", blob)).ConfigureAwait(false) is long existing)
        {
            return existing;
        }

        return (long)(await session.ScalarAsync(
            "INSERT INTO blobs (scope, blob) VALUES ($scope, $blob) RETURNING id;",
            cancellationToken, ("$scope", scope), ("$blob", blob)).ConfigureAwait(false))!;
    }
}
