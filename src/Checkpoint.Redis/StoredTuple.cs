using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>Turns the reply of the read scripts ({id, thread, ns, parent, body, write...}) into a tuple.</summary>
internal static class StoredTuple
{
    public static CheckpointTuple? Parse(RedisResult reply, CheckpointSerializer serializer)
    {
        var parts = (RedisResult[]?)reply;
        if (parts is null || parts.Length < 5)
        {
            return null;
        }

        var id = RedisKeys.ParseHex((string)parts[0]!);
        var thread = (string)parts[1]!;
        var ns = (string)parts[2]!;
        var parentHex = (string?)parts[3];
        Guid? parent = string.IsNullOrEmpty(parentHex) ? null : RedisKeys.ParseHex(parentHex);
        var body = (byte[])parts[4]!;
        var record = CheckpointRecordCodec.Decode(body, id, thread, ns, parent, serializer);
        var writes = new List<PendingWrite>(parts.Length - 5);
        for (var i = 5; i < parts.Length; i++)
        {
            writes.Add(WriteCodec.Decode((byte[])parts[i]!));
        }

        writes.Sort(static (a, b) =>
        {
            var byTask = string.CompareOrdinal(a.TaskId, b.TaskId);
            return byTask != 0 ? byTask : a.Index.CompareTo(b.Index);
        });
        return new CheckpointTuple(record, writes);
    }
}
