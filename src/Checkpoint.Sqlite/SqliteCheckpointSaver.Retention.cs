using Checkpoint.Storage;

namespace Checkpoint.Sqlite;

/// <content>Prune by policy and thread listing.</content>
public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    protected override TimeProvider RetentionClock => _options.TimeProvider;

    /// <inheritdoc />
    protected override Task<int> PruneCoreAsync(
        string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // One write transaction: no put runs between reading the thread and deleting from it.
        return RunAsync(write: true, session =>
        {
            if (SqliteNames.FindLiveThread(session, threadId, LiveAfter()) is not { } thread)
            {
                return 0;
            }

            var scopes = SqliteNames.Scopes(session, thread);
            var rows = new List<(long Scope, byte[] Id, bool ImplicitParent, byte[]? Previous, long? Group, CheckpointRecord Record)>();
            var groups = new SqliteRecordGroups.Reader(session);
            foreach (var (scope, ns) in scopes)
            {
                var stored = new List<(byte[] Id, byte[]? Parent, byte[] Body)>();
                using (var reader = session.Command(
                    "SELECT c.id, c.parent, c.body FROM {checkpoints} c WHERE c.scope = $scope ORDER BY c.id;", ("$scope", scope)).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        stored.Add(((byte[])reader.GetValue(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
                    }
                }

                byte[]? previous = null;
                foreach (var (id, storedParent, body) in stored)
                {
                    var parent = storedParent is null ? previous : storedParent.Length == 16 ? storedParent : null;
                    var checkpointId = SqliteKeys.FromBytes(id);
                    var record = Decode(
                        groups.Body(body, checkpointId, threadId), checkpointId, threadId, ns, parent is null ? null : SqliteKeys.FromBytes(parent));
                    rows.Add((scope, id, storedParent is null, previous, SqliteRecordGroups.GroupOf(body), record));
                    previous = id;
                }
            }

            var doomed = new RetentionEvaluator(policy, timeProvider.GetUtcNow())
                .Doomed(rows.Select(row => CheckpointSummary.Of(row.Record)))
                .ToHashSet();

            var kept = new List<CheckpointRecord>(rows.Count - doomed.Count);
            var released = new HashSet<long>();
            foreach (var row in rows)
            {
                if (doomed.Contains(row.Record.Id))
                {
                    if (row.Group is { } group)
                    {
                        _ = released.Add(group);
                    }

                    _ = session.Execute("DELETE FROM {writes} WHERE scope = $scope AND checkpoint = $id;", ("$scope", row.Scope), ("$id", row.Id));
                    _ = session.Execute("DELETE FROM {checkpoints} WHERE scope = $scope AND id = $id;", ("$scope", row.Scope), ("$id", row.Id));
                    continue;
                }

                kept.Add(row.Record);
                if (row.ImplicitParent && row.Previous is { } previous && doomed.Contains(SqliteKeys.FromBytes(previous)))
                {
                    // "The checkpoint before me" is about to change: store the parent explicitly (as a prune always has).
                    _ = session.Execute(
                        "UPDATE {checkpoints} SET parent = $parent WHERE scope = $scope AND id = $id;",
                        ("$parent", previous), ("$scope", row.Scope), ("$id", row.Id));
                }
            }

            // No deleted body stays in a group: the groups that held one are rebuilt from their remaining members.
            foreach (var group in released)
            {
                SqliteRecordGroups.Release(session, group);
            }

            CollectChunks(session, scopes, ChunkReferences.Of(kept));
            return doomed.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        return RunAsync<IReadOnlyList<string>>(write: false, session =>
        {
            // Names compare with SQLite's BINARY collation (UTF-8 bytes): code point order.
            var threads = new List<string>(Math.Min(limit, 1024));
            using var reader = session.Command(
                "SELECT t.name FROM {names} t WHERE t.owner = 0 AND ($after IS NULL OR t.name > $after) AND " + LiveThread + " " +
                "AND EXISTS (SELECT 1 FROM {names} n JOIN {checkpoints} c ON c.scope = n.id WHERE n.owner = t.id) " +
                "ORDER BY t.name LIMIT $limit;",
                ("$after", after is null ? DBNull.Value : after), ("$live", LiveAfter()), ("$limit", limit)).ExecuteReader();
            while (reader.Read())
            {
                threads.Add(reader.GetString(0));
            }

            return threads;
        }, cancellationToken);
    }

    /// <summary>Deletes the chunks of the thread that no remaining checkpoint references.</summary>
    private static void CollectChunks(SqliteSession session, List<(long Scope, string Namespace)> scopes, ChunkReferences references)
    {
        foreach (var (scope, _) in scopes)
        {
            foreach (var (blob, blobId) in SqliteNames.Blobs(session, scope))
            {
                var (start, end) = references.RangeByBlob.TryGetValue(blobId, out var range) ? (range.Start, Math.Max(0, range.End)) : (0, 0);
                DeleteChunks(session, SqliteKeys.ChunkKey(blob, end), SqliteKeys.EndKey(blob));
                if (start > 0 && HolderOf(session, blob, start) is { } holder)
                {
                    DeleteChunks(session, SqliteKeys.FirstKey(blob), holder); // wholly before the first referenced item
                }

                if (end == 0)
                {
                    _ = session.Execute("DELETE FROM {names} WHERE id = $blob;", ("$blob", blob));
                }
            }
        }
    }
}
