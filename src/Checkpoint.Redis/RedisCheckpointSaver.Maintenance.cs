using System.Globalization;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

public sealed partial class RedisCheckpointSaver
{
    /// <inheritdoc />
    protected override async Task DeleteThreadCoreAsync(string threadId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var threadBase = _keys.ThreadBase(threadId);
        _ = await _db.ScriptEvaluateAsync(
            RedisMaintenanceScripts.DeleteThread,
            [_keys.Threads, _keys.Index, _keys.IndexByThread],
            [threadBase, RedisKeys.Encode(threadId)]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task CopyThreadCoreAsync(
        string sourceThreadId, string targetThreadId, CancellationToken cancellationToken)
    {
        var sourceBase = _keys.ThreadBase(sourceThreadId);
        var targetBase = _keys.ThreadBase(targetThreadId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (snapshot, _) = await SnapshotAsync(sourceBase, withChunks: false, cancellationToken).ConfigureAwait(false);
            var oldIds = snapshot.SelectMany(space => space.Ids).ToList();
            oldIds.Sort(StringComparer.Ordinal);
            var args = new List<RedisValue>(4 + (5 * oldIds.Count))
            {
                sourceBase, targetBase, RedisKeys.Encode(targetThreadId), Ttl,
            };

            // A body stores its creation time relative to its id: each copy's body is re-encoded for its new id
            // (a grouped record's too: the copy's records are loose, and grouped on their own below).
            var stored = await ReadStoredAsync(oldIds, cancellationToken).ConfigureAwait(false);
            if (stored.Any(value => value is null))
            {
                continue; // deleted meanwhile: snapshot again
            }

            foreach (var record in stored)
            {
                var newId = CheckpointIds.NewId();
                var ns = RedisKeys.Decode(record!.EncodedNamespace);
                args.Add(record.IdHex);
                args.Add(RedisKeys.Hex(newId));
                args.Add(record.EncodedNamespace);
                args.Add(record.ParentHex);
                args.Add(CheckpointRecordCodec.Rebase(record.Body, RedisKeys.ParseHex(record.IdHex), sourceThreadId, ns, newId, targetThreadId, Serializer));
            }

            var reply = (string?)await _db.ScriptEvaluateAsync(
                RedisMaintenanceScripts.CopyThread,
                [RedisKeys.Namespaces(sourceBase), RedisKeys.Namespaces(targetBase), _keys.Threads, _keys.Index, _keys.IndexByThread],
                [.. args]).ConfigureAwait(false);
            switch (reply)
            {
                case "ok":
                    await GroupThreadAsync(targetThreadId).ConfigureAwait(false);
                    return;
                case "target":
                    throw new InvalidOperationException($"Cannot copy into thread '{targetThreadId}': it is not empty.");
                case "source":
                    throw new InvalidOperationException($"Cannot copy thread '{sourceThreadId}': it does not exist.");
                case "changed":
                    continue;
                default:
                    throw new InvalidOperationException($"Unexpected reply from the copy script: '{reply}'.");
            }
        }

        throw new InvalidOperationException(
            $"Cannot copy thread '{sourceThreadId}': it kept changing during {MaxAttempts} attempts.");
    }

    /// <summary>The fields (<c>{blob hex}:{sequence}</c>) of the chunks no kept checkpoint references.</summary>
    private static List<string> Unreferenced(ChunkReferences references, IEnumerable<string> chunkFields) =>
        [.. chunkFields
            .GroupBy(field => field[..32], StringComparer.Ordinal)
            .SelectMany(blob => references
                .Unreferenced(RedisKeys.ParseHex(blob.Key), blob.Select(field => int.Parse(field.AsSpan(33), NumberStyles.None, CultureInfo.InvariantCulture)))
                .Select(sequence => blob.Key + ":" + sequence.ToString("D10", CultureInfo.InvariantCulture)))];

    /// <summary>Per namespace of a thread: its ids (newest first) and, optionally, its chunk fields, read atomically.</summary>
    private async Task<(List<NamespaceSnapshot> Spaces, string RepackCounter)> SnapshotAsync(
        string threadBase, bool withChunks, CancellationToken cancellationToken)
    {
        var reply = await _db.ScriptEvaluateAsync(
                RedisMaintenanceScripts.Snapshot,
                [RedisKeys.Namespaces(threadBase), RedisKeys.Ids(threadBase), RedisKeys.ChunkIndex(threadBase), RedisKeys.RepackCounter(threadBase), RedisKeys.Records(threadBase)],
                [withChunks ? "1" : "0"])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var spaces = new List<NamespaceSnapshot>();
        var results = (RedisResult[])reply!;
        foreach (var group in results.Skip(1))
        {
            var items = (string[])group!;
            var separator = Array.IndexOf(items, "", 1);
            spaces.Add(new NamespaceSnapshot(items[0], items[1..separator], items[(separator + 1)..]));
        }

        return (spaces, (string)results[0]!);
    }
}
