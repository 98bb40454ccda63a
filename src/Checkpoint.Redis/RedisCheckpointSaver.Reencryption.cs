using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <content>Key rotation: re-sealing a stored record or write in place.</content>
public sealed partial class RedisCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>
    /// The record's value (<c>{N}|{parent}|{body}</c>) is read, re-sealed and set back by a script only if it is
    /// still what was read (a re-put or a delete in between wins). A record in a group is released from it first. Metadata is not indexed by this saver.
    /// </remarks>
    protected override async Task<BlobReencryption> ReencryptRecordCoreAsync(
        CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var threadBase = _keys.ThreadBase(record.ThreadId);
        var records = RedisKeys.Records(threadBase);
        var field = RedisKeys.Hex(record.Id);
        var stored = (byte[]?)await _db.HashGetAsync(records, field).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            // A grouped record is re-sealed loose: its group goes back to loose records first (a saver that
            // encrypts never groups them again).
            var grouped = (await ReadStoredAsync([field], cancellationToken).ConfigureAwait(false))[0];
            if (grouped?.GroupField is not { } group
                || !await ReleaseGroupAsync(threadBase, RedisKeys.Encode(record.ThreadId), group, cancellationToken).ConfigureAwait(false))
            {
                return BlobReencryption.Changed;
            }

            stored = (byte[]?)await _db.HashGetAsync(records, field).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        var head = RedisKeys.Encode(record.Namespace) + "|";
        if (stored is null || !stored.AsSpan().StartsWith(System.Text.Encoding.ASCII.GetBytes(head)))
        {
            return BlobReencryption.Changed;
        }

        // {N}|{parent}|: neither the encoded namespace nor the parent's hex holds a '|'.
        var bodyStart = Array.IndexOf(stored, (byte)'|', head.Length) + 1;
        if (reseal(stored[bodyStart..]) is not { } body)
        {
            return BlobReencryption.AlreadyCurrent;
        }

        var replaced = await ReplaceIfUnchangedAsync(records, field, stored, [.. stored.AsSpan(0, bodyStart), .. body], cancellationToken)
            .ConfigureAwait(false);
        return replaced ? BlobReencryption.Rewritten : BlobReencryption.Changed;
    }

    /// <inheritdoc />
    protected override async Task<bool> ReplaceWriteCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, PendingWrite stored, byte[] value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var field = RedisKeys.Encode(checkpointNamespace) + "|" + RedisKeys.WriteField(RedisKeys.Hex(checkpointId), stored.TaskId, stored.Index);
        return await ReplaceIfUnchangedAsync(
                RedisKeys.Writes(_keys.ThreadBase(threadId)), field, WriteCodec.Encode(stored), WriteCodec.Encode(stored with { Value = value }), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<bool> ReplaceIfUnchangedAsync(RedisKey hash, string field, byte[] read, byte[] replacement, CancellationToken cancellationToken)
    {
        var reply = (int)await _db.ScriptEvaluateAsync(RedisScripts.ReplaceIfUnchanged, [hash], [field, read, replacement])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply == 1;
    }
}
