using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    protected override Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
        {
            if (SqliteNames.FindThread(session, threadId) is not { } thread)
            {
                return false;
            }

            DeleteThreadRows(session, thread);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task CopyThreadCoreAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
        {
            var sourceThread = SqliteNames.FindLiveThread(session, sourceThreadId, LiveAfter());
            var touched = ExpireIfDue(session, targetThreadId); // an expired target is empty
            var sources = sourceThread is { } found
                ? SqliteNames.Scopes(session, found)
                : [];

            // Every checkpoint of the source, oldest first; a body in a record group is copied as the body itself.
            var checkpoints = new List<(long Scope, byte[] Id, byte[]? Parent, byte[] Body)>();
            using (var reader = session.Command(
                "SELECT c.scope, c.id, c.parent, c.body FROM {checkpoints} c JOIN {names} n ON n.id = c.scope WHERE n.owner = $thread ORDER BY c.id;",
                ("$thread", sourceThread ?? -1)).ExecuteReader())
            {
                while (reader.Read())
                {
                    checkpoints.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2), (byte[])reader.GetValue(3)));
                }
            }

            var groups = new SqliteRecordGroups.Reader(session, _groupCache);
            for (var i = 0; i < checkpoints.Count; i++)
            {
                var checkpoint = checkpoints[i];
                checkpoints[i] = checkpoint with { Body = groups.Body(checkpoint.Body, SqliteKeys.FromBytes(checkpoint.Id), sourceThreadId) };
            }

            if (checkpoints.Count == 0)
            {
                throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
            }

            var targetUsed = session.Scalar(
                "SELECT 1 FROM {names} t JOIN {names} n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND (" +
                "EXISTS (SELECT 1 FROM {checkpoints} WHERE scope = n.id) OR " +
                "EXISTS (SELECT 1 FROM {writes} WHERE scope = n.id) OR " +
                "EXISTS (SELECT 1 FROM {names} b WHERE b.owner = n.id)) LIMIT 1;",
                ("$thread", targetThreadId));
            if (targetUsed is not null)
            {
                throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
            }

            var scopes = new Dictionary<long, long>();
            foreach (var (scope, ns) in sources)
            {
                scopes[scope] = SqliteNames.GetOrCreateScope(session, targetThreadId, ns);
            }

            // New ids in the order of the old ones: implicit parents stay right, explicit ones are remapped.
            var ids = new Dictionary<Guid, byte[]>();
            foreach (var checkpoint in checkpoints)
            {
                ids[SqliteKeys.FromBytes(checkpoint.Id)] = SqliteKeys.ToBytes(CheckpointIds.NewId(_options.TimeProvider));
            }

            var namespaces = sources.ToDictionary(source => source.Scope, source => source.Namespace);
            CopyCheckpoints(session, checkpoints, scopes, ids, (scope, id, newId, body) =>
                CheckpointRecordCodec.Rebase(body, SqliteKeys.FromBytes(id), sourceThreadId, namespaces[scope], SqliteKeys.FromBytes(newId), targetThreadId, Serializer));
            CopyBlobs(session, scopes);
            Touch(session, targetThreadId, touched);
            return true;
        }, cancellationToken);
    }

    /// <summary>Deletes a thread row with its namespaces, blobs, chunks, checkpoints, record groups and writes.</summary>
    private static void DeleteThreadRows(SqliteSession session, long thread)
    {
        foreach (var (scope, _) in SqliteNames.Scopes(session, thread))
        {
            foreach (var (blob, _) in SqliteNames.Blobs(session, scope))
            {
                DeleteChunks(session, SqliteKeys.FirstKey(blob), SqliteKeys.EndKey(blob));
            }

            _ = session.Execute("DELETE FROM {writes} WHERE scope = $scope;", ("$scope", scope));
            _ = session.Execute("DELETE FROM {checkpoints} WHERE scope = $scope;", ("$scope", scope));
            SqliteRecordGroups.DeleteScope(session, scope);
            _ = session.Execute("DELETE FROM {names} WHERE owner = $scope;", ("$scope", scope));
        }

        _ = session.Execute("DELETE FROM {names} WHERE owner = $thread;", ("$thread", thread));
        _ = session.Execute("DELETE FROM {names} WHERE id = $thread;", ("$thread", thread));
    }

    // rebase(scope, id, new id, body): the copy's body (a body stores its creation time relative to its id).
    private static void CopyCheckpoints(
        SqliteSession session, List<(long Scope, byte[] Id, byte[]? Parent, byte[] Body)> checkpoints, Dictionary<long, long> scopes,
        Dictionary<Guid, byte[]> ids, Func<long, byte[], byte[], byte[], byte[]> rebase)
    {
        foreach (var checkpoint in checkpoints)
        {
            var mapped = ids[SqliteKeys.FromBytes(checkpoint.Id)];
            var target = scopes[checkpoint.Scope];
            object newParent = checkpoint.Parent switch
            {
                null => DBNull.Value,
                { Length: 16 } parent when ids.TryGetValue(SqliteKeys.FromBytes(parent), out var remapped) => remapped,
                var parent => parent,
            };
            _ = session.Execute(
                "INSERT INTO {checkpoints} (scope, id, parent, body) VALUES ($target, $newId, $newParent, $body);",
                ("$target", target), ("$newId", mapped), ("$newParent", newParent), ("$body", rebase(checkpoint.Scope, checkpoint.Id, mapped, checkpoint.Body)));
            _ = session.Execute(
                "INSERT INTO {writes} (scope, checkpoint, task, idx, node, channel, value) " +
                "SELECT $target, $newId, task, idx, node, channel, value FROM {writes} WHERE scope = $source AND checkpoint = $id;",
                ("$target", target), ("$newId", mapped), ("$source", checkpoint.Scope), ("$id", checkpoint.Id));
        }
    }

    private static void CopyBlobs(SqliteSession session, Dictionary<long, long> scopes)
    {
        foreach (var (source, target) in scopes)
        {
            foreach (var (blob, blobId) in SqliteNames.Blobs(session, source))
            {
                var copy = SqliteNames.GetOrCreateBlob(session, target, blobId);
                _ = session.Execute(
                    "INSERT INTO {chunks} (chunk, data) SELECT chunk + $shift, data FROM {chunks} WHERE chunk >= $from AND chunk < $to;",
                    ("$shift", SqliteKeys.FirstKey(copy) - SqliteKeys.FirstKey(blob)),
                    ("$from", SqliteKeys.FirstKey(blob)),
                    ("$to", SqliteKeys.EndKey(blob)));
            }
        }
    }

    /// <summary>The key of the chunk holding item <paramref name="sequence"/> of a blob (the last one at or before it).</summary>
    private static long? HolderOf(SqliteSession session, long blob, int sequence) =>
        session.Scalar(
            "SELECT chunk FROM {chunks} WHERE chunk >= $first AND chunk <= $at ORDER BY chunk DESC LIMIT 1;",
            ("$first", SqliteKeys.FirstKey(blob)), ("$at", SqliteKeys.ChunkKey(blob, sequence))) is long key ? key : null;

    private static int DeleteChunks(SqliteSession session, long from, long to) =>
        session.Execute("DELETE FROM {chunks} WHERE chunk >= $from AND chunk < $to;", ("$from", from), ("$to", to));
}
