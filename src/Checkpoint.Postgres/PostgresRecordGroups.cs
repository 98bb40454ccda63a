using Checkpoint.Serialization;

namespace Checkpoint.Postgres;

/// <summary>
/// Record groups on PostgreSQL: the records of a namespace's older checkpoints stored together in one row of
/// <c>checkpoint_groups</c> instead of one <c>checkpoints</c> row each (docs/storage.md, PostgreSQL layout v4).
/// </summary>
/// <remarks>
/// The row holds the members' ids in its <c>ids</c> column (oldest first; indexed for get-by-id) and, in <c>data</c>:
/// one flag byte per member (bits 0–1: parent none / the member before it / given after the flags; bit 2: the
/// member continued its parent), the given parents (16 bytes each, big-endian), then the bodies as one
/// <see cref="RecordGroupCodec"/> group. Grouped members have empty metadata and no pending writes when grouped.
/// </remarks>
internal static class PostgresRecordGroups
{
    /// <summary>Records per group.</summary>
    public const int GroupSize = 32;

    /// <summary>The newest checkpoints of a namespace always stay loose (get-latest and recent history read one row each).</summary>
    public const int KeepLoose = 16;

    /// <summary>A put whose step is a multiple of this looks for records to group.</summary>
    public const int Every = 16;

    /// <summary>Larger bodies stay loose (they compress on their own).</summary>
    public const int MaxBody = 4096;

    /// <summary>
    /// The most records a put's grouping takes (oldest first): a thread of the v3 layout is grouped over its next puts,
    /// never all in one put.
    /// </summary>
    public const int PutMost = 8 * GroupSize;

    private const byte NoParent = 0;
    private const byte PreviousParent = 1;
    private const byte GivenParent = 2;
    private const byte ParentMask = 3;
    private const byte ContinuesFlag = 4;

    /// <summary>One checkpoint of a group: its id, parent, whether it continued the parent, and its stored body.</summary>
    public readonly record struct Member(Guid Id, Guid? ParentId, bool Continues, byte[] Body);

    /// <summary>Encodes the <c>data</c> column of a group; members oldest first.</summary>
    public static byte[] Encode(IReadOnlyList<Member> members)
    {
        if (members.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(members), members.Count, "a group holds at least one member.");
        }

        using var output = new MemoryStream();
        var given = new List<Guid>();
        for (var i = 0; i < members.Count; i++)
        {
            var flags = members[i].Continues ? ContinuesFlag : (byte)0;
            if (members[i].ParentId is not { } parent)
            {
                flags |= NoParent;
            }
            else if (i > 0 && parent == members[i - 1].Id)
            {
                flags |= PreviousParent;
            }
            else
            {
                flags |= GivenParent;
                given.Add(parent);
            }

            output.WriteByte(flags);
        }

        Span<byte> bytes = stackalloc byte[16];
        foreach (var parent in given)
        {
            parent.TryWriteBytes(bytes, bigEndian: true, out _);
            output.Write(bytes);
        }

        output.Write(RecordGroupCodec.Encode([.. members.Select(member => member.Body)]));
        return output.ToArray();
    }

    /// <summary>The parents of <paramref name="members"/> that are not members themselves (the <c>parents</c> column).</summary>
    public static Guid[] OutsideParents(IReadOnlyList<Member> members)
    {
        var ids = members.Select(member => member.Id).ToHashSet();
        return [.. members.Select(member => member.ParentId).OfType<Guid>().Where(parent => !ids.Contains(parent)).Distinct()];
    }

    /// <summary>
    /// Decodes a group row: its members, oldest first; a <see cref="CorruptCheckpointException"/> naming the thread and
    /// <paramref name="wanted"/> (or the group's newest member) when the bytes are damaged.
    /// </summary>
    public static Member[] Decode(string threadId, Guid[] ids, byte[] data, Guid? wanted = null)
    {
        try
        {
            return Decode(ids, data);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            var checkpoint = wanted ?? (ids.Length > 0 ? ids[^1] : null);
            throw new CorruptCheckpointException(
                new BlobLocation(threadId, checkpoint, null), $"cannot read the record group of checkpoints {Describe(ids)}: {ex.Message}", ex);
        }
    }

    private static string Describe(Guid[] ids) => ids.Length == 0 ? "(none)" : $"{ids[0]}..{ids[^1]}";

    private static Member[] Decode(Guid[] ids, byte[] data)
    {
        var count = ids.Length;
        if (count == 0 || data.Length < count)
        {
            throw new InvalidDataException("the record group is cut short.");
        }

        var position = count;
        var members = new Member[count];
        var parents = new Guid?[count];
        for (var i = 0; i < count; i++)
        {
            if ((data[i] & ~(ParentMask | ContinuesFlag)) != 0)
            {
                throw new InvalidDataException($"bad member flags {data[i]} in a record group.");
            }

            switch (data[i] & ParentMask)
            {
                case NoParent:
                    break;
                case PreviousParent when i > 0:
                    parents[i] = ids[i - 1];
                    break;
                case GivenParent:
                    if (data.Length - position < 16)
                    {
                        throw new InvalidDataException("the record group is cut short.");
                    }

                    parents[i] = new Guid(data.AsSpan(position, 16), bigEndian: true);
                    position += 16;
                    break;
                default:
                    throw new InvalidDataException($"bad member flags {data[i]} in a record group.");
            }
        }

        var bodies = RecordGroupCodec.Decode(data.AsSpan(position));
        if (bodies.Length != count)
        {
            throw new InvalidDataException($"the record group lists {count} ids and holds {bodies.Length} bodies.");
        }

        for (var i = 0; i < count; i++)
        {
            members[i] = new Member(ids[i], parents[i], (data[i] & ContinuesFlag) != 0, bodies[i]);
        }

        return members;
    }
}
