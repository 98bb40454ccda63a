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
        "(SELECT 1 FROM {checkpoints} c WHERE c.scope = s.scope AND c.id > $parent AND c.id <> $id AND (c.parent = $parent OR (" +
        "c.parent IS NULL AND EXISTS (SELECT 1 FROM {checkpoints} p WHERE p.scope = s.scope AND p.id = $parent) " +
        "AND NOT EXISTS (SELECT 1 FROM {checkpoints} m WHERE m.scope = s.scope AND m.id > $parent AND m.id < c.id))) LIMIT 1)";

    /// <summary>Another checkpoint of the scope (the conflict of a parentless Continue put).</summary>
    private const string AnyOther = "(SELECT 1 FROM {checkpoints} WHERE scope = s.scope AND id <> $id LIMIT 1)";

    /// <summary>Whether the parent has pending writes (a Continue put consumes them).</summary>
    private const string ParentWrites = "EXISTS (SELECT 1 FROM {writes} WHERE scope = s.scope AND checkpoint = $parent)";

    /// <summary>
    /// What a put needs to know, in one statement: the scope of (<c>$thread</c>, <c>$ns</c>) (no row when it
    /// does not exist yet), the checkpoint before <c>$id</c>, whether <c>$id</c> exists, the checkpoint after it
    /// (NULL when appending), and for Continue puts whether the parent already has another child and (with a
    /// parent) whether it has pending writes to delete.
    /// </summary>
    /// <remarks>
    /// The scope lookup rides in the same statement rather than being cached by the saver: another saver or
    /// process may delete the thread and re-create it under a new id at any time, and inside SQLite the
    /// lookup is two index probes, against a whole statement execution through Microsoft.Data.Sqlite.
    /// </remarks>
    private const string Probe =
        "WITH s(scope) AS (SELECT n.id FROM {names} t JOIN {names} n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns) " +
        "SELECT s.scope, " +
        "(SELECT id FROM {checkpoints} WHERE scope = s.scope AND id < $id ORDER BY id DESC LIMIT 1), " +
        "EXISTS (SELECT 1 FROM {checkpoints} WHERE scope = s.scope AND id = $id), " +
        "(SELECT id FROM {checkpoints} WHERE scope = s.scope AND id > $id ORDER BY id LIMIT 1)";

    private const string ProbeBranch = Probe + " FROM s;";
    private const string ProbeContinueRoot = Probe + ", " + AnyOther + " FROM s;";
    private const string ProbeContinueChild = Probe + ", " + ChildOfParent + ", " + ParentWrites + " FROM s;";

    /// <summary>
    /// Inserts a chunk if absent, its blob row found in the same statement: no row changes when the chunk exists
    /// or when the blob has no row yet (then <see cref="InsertChunks"/> creates it and inserts again).
    /// </summary>
    private const string InsertChunkOfBlob =
        "INSERT OR IGNORE INTO {chunks} (chunk, data) SELECT (id << 32) | $sequence, $data FROM {names} WHERE owner = $scope AND name = $blob;";

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
            var probe = mode != PutMode.Continue
                ? session.Command(ProbeBranch, ("$thread", checkpoint.ThreadId), ("$ns", checkpoint.Namespace), ("$id", id))
                : checkpoint.ParentId is null
                    ? session.Command(ProbeContinueRoot, ("$thread", checkpoint.ThreadId), ("$ns", checkpoint.Namespace), ("$id", id))
                    : session.Command(ProbeContinueChild, ("$thread", checkpoint.ThreadId), ("$ns", checkpoint.Namespace), ("$id", id), ("$parent", parent));
            long? found = null;
            byte[]? previous = null, next = null;
            bool exists = false, taken = false, parentWrites = false;
            using (var reader = probe.ExecuteReader())
            {
                // No row: the scope does not exist yet, so it has no checkpoints and no writes.
                if (reader.Read())
                {
                    found = reader.GetInt64(0);
                    previous = reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1);
                    exists = reader.GetInt64(2) != 0;
                    next = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);

                    // A re-put of the same checkpoint is not a second child.
                    taken = mode == PutMode.Continue && !reader.IsDBNull(4);
                    parentWrites = mode == PutMode.Continue && checkpoint.ParentId is not null && reader.GetInt64(5) != 0;
                }
            }

            if (taken)
            {
                throw new CheckpointConflictException(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.ParentId);
            }

            var scope = found ?? SqliteNames.GetOrCreateScope(session, checkpoint.ThreadId, checkpoint.Namespace);

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

            // The parent's writes are consumed by this checkpoint; most steps (one task, sync durability) have none.
            if (parentWrites)
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
            if (chunk.ReplacesUntil is { } until)
            {
                // A block: the small chunks of its range go, and it takes the place of the one at its sequence.
                var owner = Blob(session, scope, chunk.BlobId, ref blobs);
                _ = DeleteChunks(session, SqliteKeys.ChunkKey(owner, chunk.Sequence + 1), SqliteKeys.ChunkKey(owner, until));
                _ = session.Execute(
                    "INSERT OR REPLACE INTO {chunks} (chunk, data) VALUES ($chunk, $data);",
                    ("$chunk", SqliteKeys.ChunkKey(owner, chunk.Sequence)), ("$data", chunk.Data));
                continue;
            }

            // The usual case, one statement: the blob has its row and the chunk is new.
            if (blobs is null || !blobs.TryGetValue(chunk.BlobId, out var blob))
            {
                if (session.Execute(
                    InsertChunkOfBlob,
                    ("$scope", scope), ("$blob", SqliteKeys.ToBytes(chunk.BlobId)), ("$sequence", (long)(uint)chunk.Sequence), ("$data", chunk.Data)) != 0)
                {
                    continue;
                }

                blob = Blob(session, scope, chunk.BlobId, ref blobs);
            }

            _ = session.Execute(
                "INSERT OR IGNORE INTO {chunks} (chunk, data) VALUES ($chunk, $data);",
                ("$chunk", SqliteKeys.ChunkKey(blob, chunk.Sequence)), ("$data", chunk.Data));
        }
    }

    /// <summary>The row of a blob of the scope, created when missing, remembered for the rest of the put.</summary>
    private static long Blob(SqliteSession session, long scope, Guid blobId, ref Dictionary<Guid, long>? blobs)
    {
        blobs ??= [];
        if (!blobs.TryGetValue(blobId, out var blob))
        {
            blob = SqliteNames.GetOrCreateBlob(session, scope, blobId);
            blobs[blobId] = blob;
        }

        return blob;
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
