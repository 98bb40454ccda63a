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
        "(SELECT 1 FROM {checkpoints} c WHERE c.scope = $scope AND c.id > $parent AND c.id <> $id AND (c.parent = $parent OR (" +
        "c.parent IS NULL AND EXISTS (SELECT 1 FROM {checkpoints} p WHERE p.scope = $scope AND p.id = $parent) " +
        "AND NOT EXISTS (SELECT 1 FROM {checkpoints} m WHERE m.scope = $scope AND m.id > $parent AND m.id < c.id))) LIMIT 1)";

    /// <summary>Another checkpoint of the scope (the conflict of a parentless Continue put).</summary>
    private const string AnyOther = "(SELECT 1 FROM {checkpoints} WHERE scope = $scope AND id <> $id LIMIT 1)";

    /// <summary>
    /// What a put needs to know about the scope, in one statement: the checkpoint before <c>$id</c>,
    /// whether <c>$id</c> exists, the checkpoint after it (NULL when appending), and (Continue puts only)
    /// whether the parent already has another child.
    /// </summary>
    private const string Probe =
        "SELECT (SELECT id FROM {checkpoints} WHERE scope = $scope AND id < $id ORDER BY id DESC LIMIT 1), " +
        "EXISTS (SELECT 1 FROM {checkpoints} WHERE scope = $scope AND id = $id), " +
        "(SELECT id FROM {checkpoints} WHERE scope = $scope AND id > $id ORDER BY id LIMIT 1)";

    private const string ProbeBranch = Probe + ";";
    private const string ProbeContinueRoot = Probe + ", " + AnyOther + ";";
    private const string ProbeContinueChild = Probe + ", " + ChildOfParent + ";";

    /// <inheritdoc />
    protected override Task PutCoreAsync(
        CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken)
    {
        var body = CheckpointRecordCodec.Encode(checkpoint, Serializer);
        var id = SqliteKeys.ToBytes(checkpoint.Id);
        var parent = SqliteKeys.ToBytesOrNull(checkpoint.ParentId);
        return RunAsync(write: true, session =>
        {
            var touched = ExpireIfDue(session, checkpoint.ThreadId);
            var scope = SqliteNames.GetOrCreateScope(session, checkpoint.ThreadId, checkpoint.Namespace);
            var probe = mode != PutMode.Continue
                ? session.Command(ProbeBranch, ("$scope", scope), ("$id", id))
                : checkpoint.ParentId is null
                    ? session.Command(ProbeContinueRoot, ("$scope", scope), ("$id", id))
                    : session.Command(ProbeContinueChild, ("$scope", scope), ("$id", id), ("$parent", parent));
            byte[]? previous, next;
            bool exists, taken;
            using (var reader = probe.ExecuteReader())
            {
                _ = reader.Read();
                previous = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
                exists = reader.GetInt64(1) != 0;
                next = reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2);

                // A re-put of the same checkpoint is not a second child.
                taken = mode == PutMode.Continue && !reader.IsDBNull(3);
            }

            if (taken)
            {
                throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
            }

            // A new checkpoint landing before an implicit-parent one makes that one explicit first (see SqliteParents).
            if (!exists && next is not null)
            {
                _ = session.Execute(SqliteParents.MakeExplicit, ("$scope", scope), ("$id", next));
            }

            // A re-put replaces the body: a group holding the old one is released first (see SqliteRecordGroups).
            if (exists && session.Scalar("SELECT body FROM {checkpoints} WHERE scope = $scope AND id = $id;", ("$scope", scope), ("$id", id)) is byte[] old &&
                SqliteRecordGroups.GroupOf(old) is { } group)
            {
                SqliteRecordGroups.Release(session, group, except: id);
            }

            var storedParent = StoredParent(previous, checkpoint.ParentId);
            try
            {
                _ = session.Execute(
                    "INSERT INTO {checkpoints} (scope, id, parent, body) VALUES ($scope, $id, $parent, $body) " +
                    "ON CONFLICT (scope, id) DO UPDATE SET parent = excluded.parent, body = excluded.body;",
                    ("$scope", scope), ("$id", id), ("$parent", storedParent), ("$body", body));
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
            {
                throw new InvalidOperationException(
                    $"Checkpoint {checkpoint.Id} already exists in another thread or namespace than '{checkpoint.ThreadId}' (namespace '{checkpoint.Namespace}').", ex);
            }

            if (mode == PutMode.Continue && checkpoint.ParentId is not null)
            {
                _ = session.Execute("DELETE FROM {writes} WHERE scope = $scope AND checkpoint = $parent;", ("$scope", scope), ("$parent", parent));
            }

            InsertChunks(session, scope, newChunks);
            Touch(session, checkpoint.ThreadId, touched);
            // Encrypted bodies do not compress: they stay in their rows.
            if (checkpoint.Step > 0 && checkpoint.Step % SqliteRecordGroups.Every == 0 && !Serializer.Encrypts)
            {
                SqliteRecordGroups.GroupOlderRecords(session, scope);
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task PutWritesCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes,
        CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
        {
            var touched = ExpireIfDue(session, threadId);
            var scope = SqliteNames.GetOrCreateScope(session, threadId, checkpointNamespace);
            var checkpoint = SqliteKeys.ToBytes(checkpointId);
            foreach (var write in writes)
            {
                _ = session.Execute(
                    "INSERT OR REPLACE INTO {writes} (scope, checkpoint, task, idx, node, channel, value) " +
                    "VALUES ($scope, $checkpoint, $task, $idx, $node, $channel, $value);",
                    ("$scope", scope), ("$checkpoint", checkpoint), ("$task", write.TaskId), ("$idx", write.Index),
                    ("$node", write.Node), ("$channel", write.Channel), ("$value", write.Value));
            }

            Touch(session, threadId, touched);
            return true;
        }, cancellationToken);
    }

    private static void InsertChunks(SqliteSession session, long scope, IReadOnlyList<BlobChunk> chunks)
    {
        Dictionary<Guid, long>? blobs = null;
        foreach (var chunk in chunks)
        {
            blobs ??= [];
            if (!blobs.TryGetValue(chunk.BlobId, out var blob))
            {
                blob = SqliteNames.GetOrCreateBlob(session, scope, chunk.BlobId);
                blobs[chunk.BlobId] = blob;
            }

            if (chunk.ReplacesUntil is { } until)
            {
                // A block: the small chunks of its range go, and it takes the place of the one at its sequence.
                _ = DeleteChunks(session, SqliteKeys.ChunkKey(blob, chunk.Sequence + 1), SqliteKeys.ChunkKey(blob, until));
                _ = session.Execute(
                    "INSERT OR REPLACE INTO {chunks} (chunk, data) VALUES ($chunk, $data);",
                    ("$chunk", SqliteKeys.ChunkKey(blob, chunk.Sequence)), ("$data", chunk.Data));
                continue;
            }

            _ = session.Execute(
                "INSERT OR IGNORE INTO {chunks} (chunk, data) VALUES ($chunk, $data);",
                ("$chunk", SqliteKeys.ChunkKey(blob, chunk.Sequence)), ("$data", chunk.Data));
        }
    }

    /// <summary>
    /// The value to store in the parent column of a new or replaced checkpoint (see <see cref="SqliteParents"/>),
    /// given <paramref name="previous"/>, the id of the checkpoint before it in its scope.
    /// </summary>
    private static object StoredParent(byte[]? previous, Guid? parentId)
    {
        if (parentId is not { } parent)
        {
            return previous is null ? DBNull.Value : SqliteParents.None;
        }

        var parentBytes = SqliteKeys.ToBytes(parent);
        return previous is not null && previous.AsSpan().SequenceEqual(parentBytes) ? DBNull.Value : parentBytes;
    }
}
