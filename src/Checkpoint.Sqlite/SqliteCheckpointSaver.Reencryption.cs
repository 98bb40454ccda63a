using Checkpoint.Storage;

namespace Checkpoint.Sqlite;

public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>
    /// One write transaction. A body kept in a record group is taken out of it (the group is released, its other
    /// members regrouped or stored in their rows again) and stored in its row: a group is never changed in place.
    /// </remarks>
    protected override Task<BlobReencryption> ReencryptRecordCoreAsync(
        CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
        {
            var id = SqliteKeys.ToBytes(record.Id);
            if (SqliteNames.FindScope(session, record.ThreadId, record.Namespace) is not { } scope
                || session.Scalar("SELECT body FROM {checkpoints} WHERE scope = $scope AND id = $id;", ("$scope", scope), ("$id", id))
                    is not byte[] stored)
            {
                return BlobReencryption.Changed;
            }

            var body = new SqliteRecordGroups.Reader(session, _groupCache).Body(stored, record.Id, record.ThreadId);
            if (reseal(body) is not { } resealed)
            {
                return BlobReencryption.AlreadyCurrent;
            }

            if (SqliteRecordGroups.GroupOf(stored) is { } group)
            {
                SqliteRecordGroups.Release(session, group, except: id);
            }

            _ = session.Execute(
                "UPDATE {checkpoints} SET body = $body WHERE scope = $scope AND id = $id;", ("$body", resealed), ("$scope", scope), ("$id", id));
            return BlobReencryption.Rewritten;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<bool> ReplaceWriteCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, PendingWrite stored, byte[] value, CancellationToken cancellationToken)
    {
        return RunAsync(write: true, session =>
            SqliteNames.FindScope(session, threadId, checkpointNamespace) is { } scope
            && session.Execute(
                "UPDATE {writes} SET value = $value WHERE scope = $scope AND checkpoint = $checkpoint AND task = $task AND idx = $idx AND value = $stored;",
                ("$value", value), ("$scope", scope), ("$checkpoint", SqliteKeys.ToBytes(checkpointId)), ("$task", stored.TaskId),
                ("$idx", stored.Index), ("$stored", stored.Value)) == 1,
            cancellationToken);
    }
}
