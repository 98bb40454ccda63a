using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <content>Prune by policy and thread listing.</content>
public sealed partial class RedisCheckpointSaver
{
    /// <inheritdoc />
    protected override async Task<int> PruneCoreAsync(
        string threadId, RetentionPolicy policy, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var threadBase = _keys.ThreadBase(threadId);
        var releases = 0;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (snapshot, repacks) = await SnapshotAsync(threadBase, withChunks: true, cancellationToken).ConfigureAwait(false);
            var records = new List<CheckpointRecord>();
            var groupOf = new Dictionary<Guid, string>();
            foreach (var page in snapshot.SelectMany(space => space.Ids).Chunk(PageSize))
            {
                foreach (var stored in await ReadStoredAsync(page, cancellationToken).ConfigureAwait(false))
                {
                    if (stored is null)
                    {
                        continue;
                    }

                    var record = stored.ToTuple(Serializer).Checkpoint;
                    records.Add(record);
                    if (stored.GroupField is { } field)
                    {
                        groupOf[record.Id] = field;
                    }
                }
            }

            var doomed = new RetentionEvaluator(policy, timeProvider.GetUtcNow()).Doomed(records.Select(CheckpointSummary.Of)).ToHashSet();
            var groupsToRelease = doomed.Where(groupOf.ContainsKey).Select(id => groupOf[id]).Distinct(StringComparer.Ordinal).ToList();
            if (groupsToRelease.Count > 0)
            {
                // A deleted checkpoint's body must not stay in a group: its group goes back to loose records,
                // then the plan is made again on them (releasing bumps the repack counter).
                foreach (var field in groupsToRelease)
                {
                    _ = await ReleaseGroupAsync(threadBase, RedisKeys.Encode(threadId), field, cancellationToken).ConfigureAwait(false);
                }

                if (++releases <= MaxAttempts)
                {
                    attempt--;
                }

                continue;
            }

            var references = ChunkReferences.Of(records.Where(record => !doomed.Contains(record.Id)));
            var args = new List<RedisValue> { threadBase, RedisKeys.Encode(threadId), repacks, snapshot.Count };
            var work = 0;
            foreach (var space in snapshot)
            {
                var doomedHere = space.Ids.Where(id => doomed.Contains(RedisKeys.ParseHex(id))).ToList();
                var garbage = Unreferenced(references, space.ChunkFields);
                work += doomedHere.Count + garbage.Count;
                args.Add(space.EncodedNamespace);
                args.Add(space.Ids.Length);
                args.Add(space.Ids.Length > 0 ? space.Ids[0] : "");
                args.Add(doomedHere.Count);
                args.AddRange(doomedHere.Select(id => (RedisValue)id));
                args.Add(garbage.Count);
                args.AddRange(garbage.Select(field => (RedisValue)field));
            }

            if (work == 0)
            {
                return 0;
            }

            // The script retries (-1) when a checkpoint put since the snapshot follows a doomed one, or a repack
            // since the snapshot moved items between chunks; any other new checkpoint references only kept
            // checkpoints' chunks and its own, none of them garbage.
            var deleted = (int)await _db.ScriptEvaluateAsync(
                RedisMaintenanceScripts.Prune,
                [RedisKeys.Namespaces(threadBase), _keys.Index, _keys.IndexByThread],
                [.. args]).ConfigureAwait(false);
            if (deleted >= 0)
            {
                await GroupThreadAsync(threadId).ConfigureAwait(false);
                return deleted;
            }
        }

        throw new InvalidOperationException($"Cannot prune thread '{threadId}': it kept changing during {MaxAttempts} attempts.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// The thread set is unordered, so each page scans it whole (SSCAN, in batches) and sorts in the client;
    /// members whose keys expired (TTL) or lost every checkpoint are skipped.
    /// </remarks>
    protected override async Task<IReadOnlyList<string>> ListThreadsCoreAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        await foreach (var member in _db.SetScanAsync(_keys.Threads, pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var threadId = RedisKeys.Decode(member!);
            if (after is null || string.CompareOrdinal(threadId, after) > 0)
            {
                candidates.Add(threadId);
            }
        }

        candidates.Sort(StringComparer.Ordinal);
        var threads = new List<string>(Math.Min(limit, candidates.Count));
        foreach (var batch in candidates.Chunk(PageSize))
        {
            var counts = await Task.WhenAll(batch.Select(threadId => _db.SortedSetLengthAsync(RedisKeys.Ids(_keys.ThreadBase(threadId)))))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length && threads.Count < limit; i++)
            {
                if (counts[i] > 0)
                {
                    threads.Add(batch[i]);
                }
            }

            if (threads.Count == limit)
            {
                break;
            }
        }

        return threads;
    }
}
