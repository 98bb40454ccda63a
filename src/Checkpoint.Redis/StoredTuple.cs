using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// A checkpoint as stored: ids and namespace as in the keys, the stored body (taken out of its record group
/// when it has one), its pending writes, and the group it is in.
/// </summary>
internal sealed record StoredTuple(
    string IdHex, string EncodedThread, string EncodedNamespace, string ParentHex, byte[] Body, IReadOnlyList<byte[]> Writes,
    string? GroupField, byte[]? GroupValue)
{
    /// <summary>
    /// Parses the replies of the read scripts: per checkpoint {id, encoded thread, encoded ns, parent, body, write...}, or for
    /// a grouped one {.., '#' + group field, group value or '' when an earlier element of the same reply held it, write...}.
    /// </summary>
    public static StoredTuple?[] ParseAll(IReadOnlyList<RedisResult> replies)
    {
        var groups = new Dictionary<string, (byte[] Value, Dictionary<string, RedisRecordGroups.Member> Members)>(StringComparer.Ordinal);
        var stored = new StoredTuple?[replies.Count];
        for (var i = 0; i < replies.Count; i++)
        {
            var parts = (RedisResult[]?)replies[i];
            if (parts is null || parts.Length < 5)
            {
                continue;
            }

            var idHex = (string)parts[0]!;
            var thread = (string)parts[1]!;
            var ns = (string)parts[2]!;
            var parentOrGroup = (string?)parts[3] ?? "";
            var writes = new byte[parts.Length - 5][];
            for (var w = 5; w < parts.Length; w++)
            {
                writes[w - 5] = (byte[])parts[w]!;
            }

            if (!parentOrGroup.StartsWith('#'))
            {
                stored[i] = new StoredTuple(idHex, thread, ns, parentOrGroup, (byte[])parts[4]!, writes, null, null);
                continue;
            }

            var field = parentOrGroup[1..];
            var key = thread + "|" + field;
            var location = new BlobLocation(RedisKeys.Decode(thread), RedisKeys.ParseHex(idHex), null);
            if (!groups.TryGetValue(key, out var group))
            {
                var value = (byte[])parts[4]!;
                group = (value, RedisRecordGroups.Decode(value, field, location).Members.ToDictionary(member => member.IdHex, StringComparer.Ordinal));
                groups[key] = group;
            }

            if (!group.Members.TryGetValue(idHex, out var member))
            {
                throw new CorruptCheckpointException(location, $"record group {field} does not hold the checkpoint.");
            }

            stored[i] = new StoredTuple(idHex, thread, ns, member.ParentHex, member.Body, writes, field, group.Value);
        }

        return stored;
    }

    /// <summary>Parses the reply of a read script for one checkpoint.</summary>
    public static StoredTuple? Parse(RedisResult reply) => ParseAll([reply])[0];

    /// <summary>The decoded checkpoint with its writes (in task, index order).</summary>
    public CheckpointTuple ToTuple(CheckpointSerializer serializer)
    {
        Guid? parent = string.IsNullOrEmpty(ParentHex) ? null : RedisKeys.ParseHex(ParentHex);
        var record = CheckpointRecordCodec.Decode(
            Body, RedisKeys.ParseHex(IdHex), RedisKeys.Decode(EncodedThread), RedisKeys.Decode(EncodedNamespace), parent, serializer);
        var writes = Writes.Select(write => WriteCodec.Decode(write)).ToList();
        writes.Sort(static (a, b) =>
        {
            var byTask = string.CompareOrdinal(a.TaskId, b.TaskId);
            return byTask != 0 ? byTask : a.Index.CompareTo(b.Index);
        });
        return new CheckpointTuple(record, writes);
    }
}
