using System.Text;
using Checkpoint.Serialization;

namespace Checkpoint.Redis;

/// <summary>
/// Record groups on Redis: the records of a namespace's older checkpoints stored together in one field of
/// the thread's <c>cp</c> hash (<c>{last id}g</c>), with one member <c>{N}|{last id}g</c> in its <c>ids</c>
/// sorted set, instead of a field and a member per checkpoint.
/// </summary>
/// <remarks>
/// A group value is <c>{N}|</c>, the member count (one byte), the members' ids (16 bytes each, oldest
/// first: the Lua scripts read them to find a checkpoint's group and its writes), one parent byte per
/// member (0: none, 1: the member before it, 2: given after the flags), the given parents (16 bytes each),
/// then the bodies as one <see cref="RecordGroupCodec"/> group. Lua never decodes the bodies; readers do.
/// </remarks>
internal static class RedisRecordGroups
{
    /// <summary>Records per group.</summary>
    public const int GroupSize = 32;

    /// <summary>The newest checkpoints of a namespace always stay loose (get-latest and recent history read one field each).</summary>
    public const int KeepLoose = 16;

    /// <summary>A put whose step is a multiple of this looks for records to group.</summary>
    public const int Every = 16;

    /// <summary>Larger bodies stay loose (they compress on their own).</summary>
    public const int MaxBody = 4096;

    private const byte NoParent = 0;
    private const byte PreviousParent = 1;
    private const byte GivenParent = 2;

    /// <summary>One checkpoint of a group: its id, parent and stored body.</summary>
    public readonly record struct Member(string IdHex, string ParentHex, byte[] Body);

    /// <summary>Whether an <c>ids</c> member (without its namespace) or a <c>cp</c> field names a group.</summary>
    public static bool IsGroup(string idOrField) => idOrField.Length == 33 && idOrField[32] == 'g';

    /// <summary>The <c>cp</c> field of the group whose newest member is <paramref name="lastIdHex"/>.</summary>
    public static string Field(string lastIdHex) => lastIdHex + "g";

    /// <summary>Encodes a group of one namespace; members oldest first.</summary>
    public static byte[] Encode(string encodedNamespace, IReadOnlyList<Member> members)
    {
        if (members.Count is 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(members), members.Count, "a group holds 1 to 255 members.");
        }

        using var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes(encodedNamespace + "|"));
        output.WriteByte((byte)members.Count);
        foreach (var member in members)
        {
            output.Write(Convert.FromHexString(member.IdHex));
        }

        var given = new List<string>();
        for (var i = 0; i < members.Count; i++)
        {
            var parent = members[i].ParentHex;
            if (parent.Length == 0)
            {
                output.WriteByte(NoParent);
            }
            else if (i > 0 && string.Equals(parent, members[i - 1].IdHex, StringComparison.Ordinal))
            {
                output.WriteByte(PreviousParent);
            }
            else
            {
                output.WriteByte(GivenParent);
                given.Add(parent);
            }
        }

        foreach (var parent in given)
        {
            output.Write(Convert.FromHexString(parent));
        }

        output.Write(RecordGroupCodec.Encode([.. members.Select(member => member.Body)]));
        return output.ToArray();
    }

    /// <summary>
    /// Decodes the group value stored in <paramref name="field"/>: its encoded namespace and members, oldest first;
    /// a <see cref="CorruptCheckpointException"/> naming <paramref name="location"/> when it is damaged.
    /// </summary>
    public static (string EncodedNamespace, Member[] Members) Decode(byte[] value, string field, BlobLocation location)
    {
        try
        {
            return Decode(value);
        }
        catch (InvalidDataException ex)
        {
            throw new CorruptCheckpointException(location, $"cannot read record group {field}: {ex.Message}", ex);
        }
    }

    private static (string EncodedNamespace, Member[] Members) Decode(byte[] value)
    {
        var bar = Array.IndexOf(value, (byte)'|');
        if (bar < 0 || bar + 1 >= value.Length)
        {
            throw new InvalidDataException("the value is not a Redis record group.");
        }

        var ns = Encoding.ASCII.GetString(value, 0, bar);
        var count = value[bar + 1];
        var position = bar + 2;
        Need(value, position, 17 * count);
        var ids = new string[count];
        for (var i = 0; i < count; i++, position += 16)
        {
            ids[i] = Convert.ToHexString(value, position, 16).ToLowerInvariant();
        }

        var flags = value.AsSpan(position, count).ToArray();
        position += count;
        var parents = new string[count];
        for (var i = 0; i < count; i++)
        {
            switch (flags[i])
            {
                case NoParent:
                    parents[i] = "";
                    break;
                case PreviousParent when i > 0:
                    parents[i] = ids[i - 1];
                    break;
                case GivenParent:
                    Need(value, position, 16);
                    parents[i] = Convert.ToHexString(value, position, 16).ToLowerInvariant();
                    position += 16;
                    break;
                default:
                    throw new InvalidDataException($"bad parent flag {flags[i]} in a Redis record group.");
            }
        }

        var bodies = RecordGroupCodec.Decode(value.AsSpan(position));
        if (bodies.Length != count)
        {
            throw new InvalidDataException($"a Redis record group lists {count} ids and holds {bodies.Length} bodies.");
        }

        var members = new Member[count];
        for (var i = 0; i < count; i++)
        {
            members[i] = new Member(ids[i], parents[i], bodies[i]);
        }

        return (ns, members);
    }

    private static void Need(byte[] value, int position, int length)
    {
        if (value.Length - position < length)
        {
            throw new InvalidDataException("the Redis record group is cut short.");
        }
    }

    /// <summary>The loose record value <c>{N}|{parent}|{body}</c> of a member.</summary>
    public static byte[] LooseValue(string encodedNamespace, Member member) =>
        [.. Encoding.ASCII.GetBytes(encodedNamespace + "|" + member.ParentHex + "|"), .. member.Body];

    /// <summary>Splits a loose record value <c>{N}|{parent}|{body}</c>.</summary>
    public static (string EncodedNamespace, string ParentHex, byte[] Body) ParseLoose(byte[] value)
    {
        var first = Array.IndexOf(value, (byte)'|');
        var second = Array.IndexOf(value, (byte)'|', first + 1);
        return (Encoding.ASCII.GetString(value, 0, first), Encoding.ASCII.GetString(value, first + 1, second - first - 1), value[(second + 1)..]);
    }
}
