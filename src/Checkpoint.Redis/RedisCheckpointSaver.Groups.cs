using Checkpoint.Serialization;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <content>Record groups: forming them after puts and releasing them before a change to a member.</content>
public sealed partial class RedisCheckpointSaver
{
    /// <summary>Whether this saver groups older records (<see cref="RedisCheckpointSaverOptions.GroupOlderRecords"/>; never with encryption).</summary>
    private bool Groups => Options.GroupOlderRecords && !Serializer.Encrypts;

    /// <summary>
    /// Groups a namespace's older loose records, oldest first, in whole groups of <see cref="RedisRecordGroups.GroupSize"/>,
    /// never the newest <see cref="RedisRecordGroups.KeepLoose"/>. After a put only the newest two groups' worth of
    /// older members are looked at (the older ones were grouped by earlier puts); <paramref name="all"/> looks at every
    /// member (after a prune or a copy, which leave loose records anywhere). A group that would not save a quarter of
    /// the bytes, or whose members changed meanwhile, is not written. Returns the number of groups written.
    /// </summary>
    private async Task<int> GroupOlderRecordsAsync(string threadBase, string encodedThread, string encodedNamespace, bool all)
    {
        var take = all ? -1 : 2 * RedisRecordGroups.GroupSize;
        var page = await _db.ExecuteAsync(
            "ZREVRANGEBYLEX", RedisKeys.Ids(threadBase), "(" + encodedNamespace + "}", "[" + encodedNamespace + "|", "LIMIT", RedisRecordGroups.KeepLoose, take)
            .ConfigureAwait(false);
        var members = ((string[])page!).Select(member => member[(encodedNamespace.Length + 1)..]).Reverse().ToList();
        var formed = 0;
        var run = new List<string>();
        foreach (var member in members.Append(""))
        {
            if (member.Length == 32)
            {
                run.Add(member);
                continue;
            }

            // a group (or the end) closes the run of adjacent loose records
            for (var start = 0; start + RedisRecordGroups.GroupSize <= run.Count; start += RedisRecordGroups.GroupSize)
            {
                if (await TryGroupAsync(threadBase, encodedThread, encodedNamespace, run.GetRange(start, RedisRecordGroups.GroupSize)).ConfigureAwait(false))
                {
                    formed++;
                }
            }

            run.Clear();
        }

        return formed;
    }

    private async Task<bool> TryGroupAsync(string threadBase, string encodedThread, string encodedNamespace, List<string> ids)
    {
        var values = await _db.HashGetAsync(RedisKeys.Records(threadBase), [.. ids.Select(id => (RedisValue)id)]).ConfigureAwait(false);
        var members = new List<RedisRecordGroups.Member>(ids.Count);
        long looseBytes = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (values[i].IsNull)
            {
                return false;
            }

            var (ns, parent, body) = RedisRecordGroups.ParseLoose((byte[])values[i]!);
            if (!string.Equals(ns, encodedNamespace, StringComparison.Ordinal) || body.Length > RedisRecordGroups.MaxBody)
            {
                return false;
            }

            members.Add(new RedisRecordGroups.Member(ids[i], parent, body));
            looseBytes += ((byte[])values[i]!).Length + 32;
        }

        var value = RedisRecordGroups.Encode(encodedNamespace, members);
        if (value.Length * 4L > looseBytes * 3L)
        {
            return false;
        }

        var args = new List<RedisValue>(6 + (2 * ids.Count))
        {
            encodedNamespace, encodedThread, RedisRecordGroups.Field(ids[^1]), value, Ttl, threadBase,
        };
        for (var i = 0; i < ids.Count; i++)
        {
            args.Add(ids[i]);
            args.Add(values[i]);
        }

        var reply = (int)await _db.ScriptEvaluateAsync(
                RedisGroupScripts.Group,
                [RedisKeys.Records(threadBase), RedisKeys.Ids(threadBase), _keys.IndexByThread, RedisKeys.RepackCounter(threadBase), RedisKeys.Children(threadBase)],
                [.. args])
            .ConfigureAwait(false);
        return reply == 1;
    }

    /// <summary>
    /// Puts the members of a group back as loose records; false when the group is gone or changed meanwhile
    /// (the caller reads again).
    /// </summary>
    private async Task<bool> ReleaseGroupAsync(string threadBase, string encodedThread, string field, CancellationToken cancellationToken)
    {
        var stored = await _db.HashGetAsync(RedisKeys.Records(threadBase), field).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (stored.IsNull)
        {
            return false;
        }

        var value = (byte[])stored!;
        var (ns, members) = RedisRecordGroups.Decode(value, field, new BlobLocation(RedisKeys.Decode(encodedThread), null, null));

        var args = new List<RedisValue>(5 + (2 * members.Length)) { encodedThread, field, value, Ttl, threadBase };
        foreach (var member in members)
        {
            args.Add(member.IdHex);
            args.Add(RedisRecordGroups.LooseValue(ns, member));
        }

        var reply = (int)await _db.ScriptEvaluateAsync(
                RedisGroupScripts.Release,
                [RedisKeys.Records(threadBase), RedisKeys.Ids(threadBase), _keys.IndexByThread, RedisKeys.RepackCounter(threadBase), RedisKeys.Children(threadBase)],
                [.. args])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply == 1;
    }

    /// <summary>Groups the older loose records of every namespace of a thread (after a prune or a copy).</summary>
    private async Task GroupThreadAsync(string threadId)
    {
        if (!Groups)
        {
            return;
        }

        var threadBase = _keys.ThreadBase(threadId);
        foreach (var space in await _db.SetMembersAsync(RedisKeys.Namespaces(threadBase)).ConfigureAwait(false))
        {
            _ = await GroupOlderRecordsAsync(threadBase, RedisKeys.Encode(threadId), (string)space!, all: true).ConfigureAwait(false);
        }
    }
}
