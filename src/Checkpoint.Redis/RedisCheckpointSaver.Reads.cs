using System.Runtime.CompilerServices;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

public sealed partial class RedisCheckpointSaver
{
    /// <inheritdoc />
    protected override async Task<CheckpointTuple?> GetCoreAsync(
        string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (checkpointId is { } id)
        {
            var tuple = await GetByIdAsync(id, cancellationToken).ConfigureAwait(false);
            return tuple is not null
                   && string.Equals(tuple.Checkpoint.ThreadId, threadId, StringComparison.Ordinal)
                   && string.Equals(tuple.Checkpoint.Namespace, checkpointNamespace, StringComparison.Ordinal)
                ? tuple
                : null;
        }

        var threadBase = _keys.ThreadBase(threadId);
        var reply = await _db.ScriptEvaluateAsync(
                RedisScripts.Latest,
                [RedisKeys.Ids(threadBase), RedisKeys.Records(threadBase)],
                [threadBase, RedisKeys.Encode(threadId), RedisKeys.Encode(checkpointNamespace)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return StoredTuple.Parse(reply)?.ToTuple(Serializer);
    }

    /// <inheritdoc />
    protected override async Task<CheckpointTuple?> GetByIdCoreAsync(Guid checkpointId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tuples = await ReadManyAsync([RedisKeys.Hex(checkpointId)], cancellationToken).ConfigureAwait(false);
        return tuples[0];
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<CheckpointTuple> ListCoreAsync(
        CheckpointFilter filter, CancellationToken cancellationToken)
    {
        return ListStoredAsync(filter, cancellationToken);
    }

    /// <summary>
    /// Merges the id sets of every (thread, namespace) the filter selects, newest first, paging
    /// ids and reading records a page at a time (one script call per page).
    /// </summary>
    private async IAsyncEnumerable<CheckpointTuple> ListStoredAsync(
        CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var remaining = filter.Limit ?? int.MaxValue;
        if (remaining <= 0)
        {
            yield break;
        }

        var before = filter.Before is { } id ? RedisKeys.Hex(id) : null;
        var sources = await FindIdSetsAsync(filter, cancellationToken).ConfigureAwait(false);
        // A small limit reads a small first page (a record group brings its 32 ids at once).
        var pageSize = filter.Metadata is { Count: > 0 } ? PageSize : Math.Min(PageSize, remaining);
        var cursors = sources.Select(source => new IdCursor(_db, source.ThreadBase, source.EncodedNamespace, before, pageSize)).ToList();
        var batch = new List<string>(PageSize);
        while (true)
        {
            batch.Clear();
            var batchSize = filter.Metadata is { Count: > 0 } ? PageSize : Math.Min(PageSize, remaining);
            while (batch.Count < batchSize)
            {
                await Task.WhenAll(cursors.Where(cursor => cursor.NeedsFill).Select(cursor => cursor.FillAsync(cancellationToken))).ConfigureAwait(false);
                if (Newest(cursors) is not { } cursor)
                {
                    break;
                }

                batch.Add(cursor.Take());
            }

            if (batch.Count == 0)
            {
                yield break;
            }

            foreach (var tuple in await ReadManyAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (tuple is null || !MetadataFilter.Matches(tuple.Checkpoint.Metadata, filter.Metadata))
                {
                    continue;
                }

                yield return tuple;
                if (--remaining == 0)
                {
                    yield break;
                }
            }
        }
    }

    private static IdCursor? Newest(List<IdCursor> cursors)
    {
        IdCursor? best = null;
        foreach (var cursor in cursors)
        {
            if (cursor.Head is { } head && (best is null || string.CompareOrdinal(head, best.Head) > 0))
            {
                best = cursor;
            }
        }

        return best;
    }

    /// <summary>
    /// The (thread id set, namespace) pairs the filter reads, forgetting threads whose keys expired.
    /// </summary>
    private async Task<List<(string ThreadBase, string EncodedNamespace)>> FindIdSetsAsync(
        CheckpointFilter filter, CancellationToken cancellationToken)
    {
        List<string> encodedThreads;
        if (filter.ThreadId is { } threadId)
        {
            encodedThreads = [RedisKeys.Encode(threadId)];
        }
        else
        {
            var members = await _db.SetMembersAsync(_keys.Threads).WaitAsync(cancellationToken).ConfigureAwait(false);
            encodedThreads = [.. members.Select(member => (string)member!)];
        }

        if (filter.Namespace is { } ns)
        {
            var encodedNs = RedisKeys.Encode(ns);
            return [.. encodedThreads.Select(thread => (_keys.EncodedThreadBase(thread), encodedNs))];
        }

        var spaces = await Task.WhenAll(encodedThreads.Select(thread =>
            _db.SetMembersAsync(RedisKeys.Namespaces(_keys.EncodedThreadBase(thread))))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var sets = new List<(string ThreadBase, string EncodedNamespace)>();
        for (var i = 0; i < encodedThreads.Count; i++)
        {
            var threadBase = _keys.EncodedThreadBase(encodedThreads[i]);
            if (spaces[i].Length == 0 && filter.ThreadId is null)
            {
                _ = await _db.ScriptEvaluateAsync(
                    RedisScripts.ForgetExpiredThread,
                    [RedisKeys.Namespaces(threadBase), _keys.Threads, _keys.Index, _keys.IndexByThread],
                    [encodedThreads[i]]).ConfigureAwait(false);
            }

            sets.AddRange(spaces[i].Select(space => (threadBase, (string)space!)));
        }

        return sets;
    }

    /// <summary>Reads checkpoints (with their writes) by id hex through the global index; null for the missing ones.</summary>
    private async Task<CheckpointTuple?[]> ReadManyAsync(IReadOnlyList<string> idHexes, CancellationToken cancellationToken)
    {
        var stored = await ReadStoredAsync(idHexes, cancellationToken).ConfigureAwait(false);
        return [.. stored.Select(one => one?.ToTuple(Serializer))];
    }

    /// <summary>Reads checkpoints as stored (bodies taken out of their groups) by id hex; null for the missing ones.</summary>
    private async Task<StoredTuple?[]> ReadStoredAsync(IReadOnlyList<string> idHexes, CancellationToken cancellationToken)
    {
        var args = new RedisValue[1 + idHexes.Count];
        args[0] = _keys.Prefix;
        for (var i = 0; i < idHexes.Count; i++)
        {
            args[1 + i] = idHexes[i];
        }

        var reply = await _db.ScriptEvaluateAsync(RedisScripts.Read, [_keys.Index, _keys.IndexByThread], args)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return StoredTuple.ParseAll((RedisResult[])reply!);
    }
}
