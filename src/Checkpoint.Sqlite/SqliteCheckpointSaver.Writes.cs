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
        "(SELECT 1 FROM {checkpoints} c WHERE c.scope = s.scope AND c.id > ?4 AND c.id <> ?3 AND (c.parent = ?4 OR (" +
        "c.parent IS NULL AND EXISTS (SELECT 1 FROM {checkpoints} p WHERE p.scope = s.scope AND p.id = ?4) " +
        "AND NOT EXISTS (SELECT 1 FROM {checkpoints} m WHERE m.scope = s.scope AND m.id > ?4 AND m.id < c.id))) LIMIT 1)";

    /// <summary>Another checkpoint of the scope (the conflict of a parentless Continue put).</summary>
    private const string AnyOther = "(SELECT 1 FROM {checkpoints} WHERE scope = s.scope AND id <> ?3 LIMIT 1)";

    /// <summary>Whether the parent has pending writes (a Continue put consumes them).</summary>
    private const string ParentWrites = "EXISTS (SELECT 1 FROM {writes} WHERE scope = s.scope AND checkpoint = ?4)";

    /// <summary>
    /// What a put needs to know, in one statement: the scope of (thread <c>?1</c>, namespace <c>?2</c>) (no row
    /// when it does not exist yet), the checkpoint before <c>?3</c>, whether <c>?3</c> exists, the checkpoint after
    /// it (NULL when appending), and for Continue puts whether the parent (<c>?4</c>) already has another child and
    /// (with a parent) whether it has pending writes to delete.
    /// </summary>
    /// <remarks>
    /// The scope lookup rides in the same statement rather than being cached by the saver: another saver or
    /// process may delete the thread and re-create it under a new id at any time, and inside SQLite the
    /// lookup is two index probes, against a whole statement execution through Microsoft.Data.Sqlite.
    /// </remarks>
    private const string Probe =
        "WITH s(scope) AS (SELECT n.id FROM {names} t JOIN {names} n ON n.owner = t.id WHERE t.owner = 0 AND t.name = ?1 AND n.name = ?2) " +
        "SELECT s.scope, " +
        "(SELECT id FROM {checkpoints} WHERE scope = s.scope AND id < ?3 ORDER BY id DESC LIMIT 1), " +
        "EXISTS (SELECT 1 FROM {checkpoints} WHERE scope = s.scope AND id = ?3), " +
        "(SELECT id FROM {checkpoints} WHERE scope = s.scope AND id > ?3 ORDER BY id LIMIT 1)";

    private const string ProbeBranch = Probe + " FROM s;";
    private const string ProbeContinueRoot = Probe + ", " + AnyOther + " FROM s;";
    private const string ProbeContinueChild = Probe + ", " + ChildOfParent + ", " + ParentWrites + " FROM s;";

    /// <summary>
    /// Inserts a chunk if absent, its blob row found in the same statement: no row changes when the chunk exists
    /// or when the blob has no row yet (then <see cref="InsertChunks"/> creates it and inserts again).
    /// </summary>
    private const string InsertChunkOfBlob =
        "INSERT OR IGNORE INTO {chunks} (chunk, data) SELECT (id << 32) | ?3, ?4 FROM {names} WHERE owner = ?1 AND name = ?2;";

    /// <summary>Inserts or replaces a checkpoint row: scope, id, stored parent (see <see cref="SqliteParents"/>), body.</summary>
    private const string InsertRecord =
        "INSERT INTO {checkpoints} (scope, id, parent, body) VALUES (?1, ?2, ?3, ?4) " +
        "ON CONFLICT (scope, id) DO UPDATE SET parent = excluded.parent, body = excluded.body;";

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
            var probe = session.Raw(mode != PutMode.Continue ? ProbeBranch : parent is null ? ProbeContinueRoot : ProbeContinueChild);
            probe.Bind(1, checkpoint.ThreadId);
            probe.Bind(2, checkpoint.Namespace);
            probe.Bind(3, id);
            if (mode == PutMode.Continue && parent is not null)
            {
                probe.Bind(4, parent);
            }

            long? found = null;
            byte[]? previous = null, next = null;
            bool exists = false, taken = false, parentWrites = false;
            try
            {
                // No row: the scope does not exist yet, so it has no checkpoints and no writes.
                if (probe.Step())
                {
                    found = probe.Int64(0);
                    previous = probe.Blob(1);
                    exists = probe.Int64(2) != 0;
                    next = probe.Blob(3);

                    // A re-put of the same checkpoint is not a second child.
                    taken = mode == PutMode.Continue && !probe.IsNull(4);
                    parentWrites = mode == PutMode.Continue && parent is not null && probe.Int64(5) != 0;
                }
            }
            finally
            {
                probe.Reset();
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

            var insert = session.Raw(InsertRecord);
            insert.Bind(1, scope);
            insert.Bind(2, id);
            insert.Bind(3, StoredParent(previous, parent));
            insert.Bind(4, body);
            try
            {
                _ = insert.Execute();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
            {
                throw new InvalidOperationException(
                    $"Checkpoint {checkpoint.Id} already exists in another thread or namespace than '{checkpoint.ThreadId}' (namespace '{checkpoint.Namespace}').", ex);
            }

            // The parent's writes are consumed by this checkpoint; most steps (one task, sync durability) have none.
            if (parentWrites)
            {
                _ = session.Execute("DELETE FROM {writes} WHERE scope = $scope AND checkpoint = $parent;", ("$scope", scope), ("$parent", parent!));
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
                var insert = session.Raw(InsertChunkOfBlob);
                insert.Bind(1, scope);
                insert.Bind(2, SqliteKeys.ToBytes(chunk.BlobId));
                insert.Bind(3, (long)(uint)chunk.Sequence);
                insert.Bind(4, chunk.Data);
                if (insert.Execute() != 0)
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
    /// given <paramref name="previous"/>, the id of the checkpoint before it in its scope; null stores NULL (the parent is implicit).
    /// </summary>
    private static byte[]? StoredParent(byte[]? previous, byte[]? parent)
    {
        if (parent is null)
        {
            return previous is null ? null : SqliteParents.None;
        }

        return previous is not null && previous.AsSpan().SequenceEqual(parent) ? null : parent;
    }
}
