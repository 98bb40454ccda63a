using Checkpoint.Storage;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    public override Task DeleteThreadAsync(string threadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        return RunAsync(write: true, async session =>
        {
            if (await SqliteNames.FindThreadAsync(session, threadId, cancellationToken).ConfigureAwait(false) is not { } thread)
            {
                return false;
            }

            foreach (var (scope, _) in await SqliteNames.ScopesAsync(session, thread, cancellationToken).ConfigureAwait(false))
            {
                foreach (var (blob, _) in await SqliteNames.BlobsAsync(session, scope, cancellationToken).ConfigureAwait(false))
                {
                    await DeleteChunksAsync(session, SqliteKeys.FirstKey(blob), SqliteKeys.EndKey(blob), cancellationToken).ConfigureAwait(false);
                }

                _ = await session.ExecuteAsync("DELETE FROM writes WHERE scope = $scope;", cancellationToken, ("$scope", scope)).ConfigureAwait(false);
                _ = await session.ExecuteAsync("DELETE FROM checkpoints WHERE scope = $scope;", cancellationToken, ("$scope", scope)).ConfigureAwait(false);
                _ = await session.ExecuteAsync("DELETE FROM names WHERE owner = $scope;", cancellationToken, ("$scope", scope)).ConfigureAwait(false);
            }

            _ = await session.ExecuteAsync("DELETE FROM names WHERE owner = $thread;", cancellationToken, ("$thread", thread)).ConfigureAwait(false);
            _ = await session.ExecuteAsync("DELETE FROM names WHERE id = $thread;", cancellationToken, ("$thread", thread)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task CopyThreadAsync(string sourceThreadId, string targetThreadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceThreadId);
        ArgumentNullException.ThrowIfNull(targetThreadId);
        return RunAsync(write: true, async session =>
        {
            var sourceThread = await SqliteNames.FindThreadAsync(session, sourceThreadId, cancellationToken).ConfigureAwait(false);
            var sources = sourceThread is { } found
                ? await SqliteNames.ScopesAsync(session, found, cancellationToken).ConfigureAwait(false)
                : [];

            // Every checkpoint of the source, oldest first (ids and stored parents only: bodies are copied by SQL).
            var checkpoints = new List<(long Scope, byte[] Id, byte[]? Parent)>();
            using (var command = session.Command(
                "SELECT c.scope, c.id, c.parent FROM checkpoints c JOIN names n ON n.id = c.scope WHERE n.owner = $thread ORDER BY c.id;"))
            {
                command.Parameters.AddWithValue("$thread", sourceThread ?? -1);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    checkpoints.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2)));
                }
            }

            if (checkpoints.Count == 0)
            {
                throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it has no checkpoints.");
            }

            var targetUsed = await session.ScalarAsync(
                "SELECT 1 FROM names t JOIN names n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND (" +
                "EXISTS (SELECT 1 FROM checkpoints WHERE scope = n.id) OR " +
                "EXISTS (SELECT 1 FROM writes WHERE scope = n.id) OR " +
                "EXISTS (SELECT 1 FROM names b WHERE b.owner = n.id)) LIMIT 1;",
                cancellationToken, ("$thread", targetThreadId)).ConfigureAwait(false);
            if (targetUsed is not null)
            {
                throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
            }

            var scopes = new Dictionary<long, long>();
            foreach (var (scope, ns) in sources)
            {
                scopes[scope] = await SqliteNames.GetOrCreateScopeAsync(session, targetThreadId, ns, cancellationToken).ConfigureAwait(false);
            }

            // New ids in the order of the old ones: implicit parents stay right, explicit ones are remapped.
            var ids = new Dictionary<Guid, byte[]>();
            foreach (var checkpoint in checkpoints)
            {
                ids[SqliteKeys.FromBytes(checkpoint.Id)] = SqliteKeys.ToBytes(CheckpointIds.NewId(_options.TimeProvider));
            }

            await CopyCheckpointsAsync(session, checkpoints, scopes, ids, cancellationToken).ConfigureAwait(false);
            await CopyBlobsAsync(session, scopes, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<int> PruneAsync(string threadId, RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(policy.KeepLatest, nameof(policy));
        return RunAsync(write: true, async session =>
        {
            if (await SqliteNames.FindThreadAsync(session, threadId, cancellationToken).ConfigureAwait(false) is not { } thread)
            {
                return 0;
            }

            var scopes = await SqliteNames.ScopesAsync(session, thread, cancellationToken).ConfigureAwait(false);
            var deleted = 0;
            var references = new ChunkReferences();
            foreach (var (scope, ns) in scopes)
            {
                byte[]? oldestKept = null;
                using (var command = session.Command(
                    "SELECT c.id, " + SqliteParents.Resolved + ", c.body FROM checkpoints c WHERE c.scope = $scope ORDER BY c.id DESC LIMIT $keep;"))
                {
                    command.Parameters.AddWithValue("$scope", scope);
                    command.Parameters.AddWithValue("$keep", policy.KeepLatest);
                    using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        oldestKept = (byte[])reader.GetValue(0);
                        var parent = reader.IsDBNull(1) ? (Guid?)null : SqliteKeys.FromBytes((byte[])reader.GetValue(1));
                        references.Add(Decode((byte[])reader.GetValue(2), SqliteKeys.FromBytes(oldestKept), threadId, ns, parent));
                    }
                }

                if (oldestKept is null)
                {
                    continue;
                }

                _ = await session.ExecuteAsync(SqliteParents.MakeExplicit, cancellationToken, ("$scope", scope), ("$id", oldestKept)).ConfigureAwait(false);
                _ = await session.ExecuteAsync(
                    "DELETE FROM writes WHERE scope = $scope AND checkpoint IN (SELECT id FROM checkpoints WHERE scope = $scope AND id < $kept);",
                    cancellationToken, ("$scope", scope), ("$kept", oldestKept)).ConfigureAwait(false);
                deleted += await session.ExecuteAsync(
                    "DELETE FROM checkpoints WHERE scope = $scope AND id < $kept;",
                    cancellationToken, ("$scope", scope), ("$kept", oldestKept)).ConfigureAwait(false);
            }

            foreach (var (scope, _) in scopes)
            {
                foreach (var (blob, blobId) in await SqliteNames.BlobsAsync(session, scope, cancellationToken).ConfigureAwait(false))
                {
                    var end = references.EndByBlob.TryGetValue(blobId, out var referencedEnd) ? Math.Max(0, referencedEnd) : 0;
                    await DeleteChunksAsync(session, SqliteKeys.ChunkKey(blob, end), SqliteKeys.EndKey(blob), cancellationToken).ConfigureAwait(false);
                    if (end == 0)
                    {
                        _ = await session.ExecuteAsync("DELETE FROM names WHERE id = $blob;", cancellationToken, ("$blob", blob)).ConfigureAwait(false);
                    }
                }
            }

            return deleted;
        }, cancellationToken);
    }

    private static async Task CopyCheckpointsAsync(
        SqliteSession session, List<(long Scope, byte[] Id, byte[]? Parent)> checkpoints, Dictionary<long, long> scopes,
        Dictionary<Guid, byte[]> ids, CancellationToken cancellationToken)
    {
        using var copy = session.Command(
            "INSERT INTO checkpoints (scope, id, parent, body) SELECT $target, $newId, $newParent, body FROM checkpoints WHERE scope = $source AND id = $id;");
        var target = copy.Parameters.Add("$target", SqliteType.Integer);
        var newId = copy.Parameters.Add("$newId", SqliteType.Blob);
        var newParent = copy.Parameters.Add("$newParent", SqliteType.Blob);
        var source = copy.Parameters.Add("$source", SqliteType.Integer);
        var id = copy.Parameters.Add("$id", SqliteType.Blob);
        using var copyWrites = session.Command(
            "INSERT INTO writes (scope, checkpoint, task, idx, node, channel, value) " +
            "SELECT $target, $newId, task, idx, node, channel, value FROM writes WHERE scope = $source AND checkpoint = $id;");
        var writesTarget = copyWrites.Parameters.Add("$target", SqliteType.Integer);
        var writesNewId = copyWrites.Parameters.Add("$newId", SqliteType.Blob);
        var writesSource = copyWrites.Parameters.Add("$source", SqliteType.Integer);
        var writesId = copyWrites.Parameters.Add("$id", SqliteType.Blob);
        foreach (var checkpoint in checkpoints)
        {
            var mapped = ids[SqliteKeys.FromBytes(checkpoint.Id)];
            target.Value = writesTarget.Value = scopes[checkpoint.Scope];
            newId.Value = writesNewId.Value = mapped;
            source.Value = writesSource.Value = checkpoint.Scope;
            id.Value = writesId.Value = checkpoint.Id;
            newParent.Value = checkpoint.Parent switch
            {
                null => DBNull.Value,
                { Length: 16 } parent when ids.TryGetValue(SqliteKeys.FromBytes(parent), out var remapped) => remapped,
                var parent => parent,
            };
            _ = await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _ = await copyWrites.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyBlobsAsync(SqliteSession session, Dictionary<long, long> scopes, CancellationToken cancellationToken)
    {
        foreach (var (source, target) in scopes)
        {
            foreach (var (blob, blobId) in await SqliteNames.BlobsAsync(session, source, cancellationToken).ConfigureAwait(false))
            {
                var copy = await SqliteNames.GetOrCreateBlobAsync(session, target, blobId, cancellationToken).ConfigureAwait(false);
                _ = await session.ExecuteAsync(
                    "INSERT INTO chunks (chunk, data) SELECT chunk + $shift, data FROM chunks WHERE chunk >= $from AND chunk < $to;",
                    cancellationToken,
                    ("$shift", SqliteKeys.FirstKey(copy) - SqliteKeys.FirstKey(blob)),
                    ("$from", SqliteKeys.FirstKey(blob)),
                    ("$to", SqliteKeys.EndKey(blob))).ConfigureAwait(false);
            }
        }
    }

    private static Task<int> DeleteChunksAsync(SqliteSession session, long from, long to, CancellationToken cancellationToken) =>
        session.ExecuteAsync(
            "DELETE FROM chunks WHERE chunk >= $from AND chunk < $to;", cancellationToken, ("$from", from), ("$to", to));
}
