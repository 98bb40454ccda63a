namespace Checkpoint.Storage;

public sealed partial class InMemoryCheckpointSaver
{
    /// <inheritdoc />
    protected override Task<BlobReencryption> ReencryptRecordCoreAsync(
        CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (FindNamespace(record.ThreadId, record.Namespace) is not { } data || !data.Checkpoints.TryGetValue(record.Id, out var stored))
                {
                    return BlobReencryption.Changed;
                }

                if (reseal(stored.Body) is not { } body)
                {
                    return BlobReencryption.AlreadyCurrent;
                }

                var replaced = stored with { Body = body };
                data.Checkpoints[record.Id] = replaced;
                _byId[record.Id] = replaced;
                return BlobReencryption.Rewritten;
            }
        });

    /// <inheritdoc />
    protected override Task<bool> ReplaceWriteCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, PendingWrite stored, byte[] value, CancellationToken cancellationToken) =>
        Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (FindNamespace(threadId, checkpointNamespace) is not { } data
                    || !data.Writes.TryGetValue(checkpointId, out var writes)
                    || !writes.TryGetValue((stored.TaskId, stored.Index), out var current)
                    || !current.Value.AsSpan().SequenceEqual(stored.Value))
                {
                    return false; // pruned, or written again since it was read
                }

                writes[(stored.TaskId, stored.Index)] = current with { Value = (byte[])value.Clone() };
                return true;
            }
        });
}
