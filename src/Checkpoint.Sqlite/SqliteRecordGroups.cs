using Checkpoint.Serialization;

namespace Checkpoint.Sqlite;

/// <summary>
/// Record groups: the bodies of a scope's older checkpoints, compressed together in one row of
/// <c>record_groups</c> (<see cref="RecordGroupCodec"/>), while each checkpoint keeps its own row
/// (key, parent, indexes) with a short reference as its body.
/// </summary>
/// <remarks>
/// A reference is <c>0x00</c>, then the group's row id and the body's index in it (unsigned LEB128);
/// a stored body always starts with the envelope magic, never with 0. Groups are formed in the put's
/// write transaction (<see cref="GroupOlderRecords"/>) and never changed: a group whose member is deleted
/// or replaced is released (<see cref="Release"/>), its remaining members regrouped or stored in their
/// rows again, in the same transaction as the delete, so no deleted body survives in a group.
/// </remarks>
internal static class SqliteRecordGroups
{
    /// <summary>Bodies per group.</summary>
    public const int GroupSize = 32;

    /// <summary>The newest checkpoints of a scope always keep their bodies in their rows (get-latest reads one row).</summary>
    public const int KeepLoose = 16;

    /// <summary>A put whose step is a multiple of this looks for records to group.</summary>
    public const int Every = 16;

    /// <summary>Larger bodies stay in their rows (they compress on their own).</summary>
    public const int MaxBody = 4096;

    /// <summary>A release regroups the remaining members when at least this many are left, else stores them in their rows.</summary>
    public const int MinRegroup = 8;

    private const string SelectGroup = "SELECT scope, first, last, data FROM {record_groups} WHERE grp = $grp;";

    /// <summary>Whether a stored body is a reference into a group.</summary>
    public static bool IsReference(byte[] body) => body.Length > 0 && body[0] == 0;

    /// <summary>The stored reference to body <paramref name="index"/> of group <paramref name="group"/>.</summary>
    public static byte[] Reference(long group, int index)
    {
        var bytes = new List<byte>(8) { 0 };
        WriteVarint(bytes, (ulong)group);
        WriteVarint(bytes, (ulong)index);
        return [.. bytes];
    }

    /// <summary>The group and index of a reference; <see cref="InvalidDataException"/> when it is not one.</summary>
    public static (long Group, int Index) ParseReference(byte[] body)
    {
        if (!IsReference(body))
        {
            throw new InvalidDataException("the body is not a group reference.");
        }

        var position = 1;
        var group = ReadVarint(body, ref position);
        var index = ReadVarint(body, ref position);
        return position == body.Length && group <= long.MaxValue && index <= int.MaxValue
            ? ((long)group, (int)index)
            : throw new InvalidDataException("the group reference is malformed.");
    }

    /// <summary>
    /// Groups the oldest loose records among the scope's newest <see cref="KeepLoose"/> + 2 ×
    /// <see cref="GroupSize"/>, skipping the newest <see cref="KeepLoose"/>, in whole groups of
    /// <see cref="GroupSize"/>. Runs inside the caller's write transaction.
    /// </summary>
    public static void GroupOlderRecords(SqliteSession session, long scope)
    {
        // Newest first, straight down the primary key, filtered and put in order here: sorting in SQLite (a temp
        // b-tree for ORDER BY over the subquery) took half of this step's time.
        var candidates = new List<(byte[] Id, byte[] Body)>();
        using (var reader = session.Command(
            "SELECT id, body FROM {checkpoints} WHERE scope = $scope ORDER BY id DESC LIMIT $limit OFFSET $keep;",
            ("$scope", scope), ("$limit", 2 * GroupSize), ("$keep", KeepLoose)).ExecuteReader())
        {
            while (reader.Read())
            {
                var body = (byte[])reader.GetValue(1);
                if (body.Length <= MaxBody && !IsReference(body))
                {
                    candidates.Add(((byte[])reader.GetValue(0), body));
                }
            }
        }

        candidates.Reverse();
        for (var start = 0; start + GroupSize <= candidates.Count; start += GroupSize)
        {
            _ = Store(session, scope, candidates.GetRange(start, GroupSize));
        }
    }

    /// <summary>
    /// Releases a group: its members still stored are regrouped (at least <see cref="MinRegroup"/> of
    /// them) or get their bodies back in their rows, then the group is deleted. Call after deleting
    /// or replacing members, in the same transaction; <paramref name="except"/> names a member about to get
    /// a new body (a re-put), left out. A missing group is a no-op.
    /// </summary>
    public static void Release(SqliteSession session, long group, byte[]? except = null)
    {
        long scope;
        byte[] first, last, data;
        using (var reader = session.Command(SelectGroup, ("$grp", group)).ExecuteReader())
        {
            if (!reader.Read())
            {
                return;
            }

            (scope, first, last, data) = (reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2), (byte[])reader.GetValue(3));
        }

        var bodies = RecordGroupCodec.Decode(data);
        var members = new List<(byte[] Id, byte[] Body)>();
        using (var reader = session.Command(
            "SELECT id, body FROM {checkpoints} WHERE scope = $scope AND id >= $first AND id <= $last ORDER BY id;",
            ("$scope", scope), ("$first", first), ("$last", last)).ExecuteReader())
        {
            while (reader.Read())
            {
                var body = (byte[])reader.GetValue(1);
                var id = (byte[])reader.GetValue(0);
                if (IsReference(body) && ParseReference(body) is var (g, index) && g == group && index < bodies.Length &&
                    (except is null || !id.AsSpan().SequenceEqual(except)))
                {
                    members.Add((id, bodies[index]));
                }
            }
        }

        _ = session.Execute("DELETE FROM {record_groups} WHERE grp = $grp;", ("$grp", group));
        if (members.Count >= MinRegroup && Store(session, scope, members))
        {
            return;
        }

        foreach (var (id, body) in members)
        {
            SetBody(session, scope, id, body);
        }
    }

    /// <summary>Deletes every group of a scope (its checkpoints are being deleted).</summary>
    public static void DeleteScope(SqliteSession session, long scope) =>
        _ = session.Execute("DELETE FROM {record_groups} WHERE scope = $scope;", ("$scope", scope));

    /// <summary>The group a stored body refers to, or null for a body stored in its row.</summary>
    public static long? GroupOf(byte[] stored) => IsReference(stored) ? ParseReference(stored).Group : null;

    /// <summary>
    /// Stores <paramref name="members"/> (oldest first) as one group and points their rows at it;
    /// false (nothing written) when the group would not save a quarter of their bytes (encrypted bodies).
    /// </summary>
    private static bool Store(SqliteSession session, long scope, List<(byte[] Id, byte[] Body)> members)
    {
        var data = RecordGroupCodec.Encode(members.ConvertAll(member => member.Body));
        if (data.Length * 4L > members.Sum(member => (long)member.Body.Length) * 3L)
        {
            return false;
        }

        var group = (long)session.Scalar(
            "INSERT INTO {record_groups} (scope, first, last, data) VALUES ($scope, $first, $last, $data) RETURNING grp;",
            ("$scope", scope), ("$first", members[0].Id), ("$last", members[^1].Id), ("$data", data))!;

        // Deleted, then inserted again with the reference: rows shrunk in place would leave their pages mostly
        // empty, while deleting them frees whole pages and the small rows pack densely. One range delete (rows
        // of the range that are not members, such as a large body left loose, go back as they were): the rows
        // are the same at the end, so implicit parents ("the checkpoint before me") do not change.
        var index = new Dictionary<Guid, int>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            index[SqliteKeys.FromBytes(members[i].Id)] = i;
        }

        var rows = new List<(byte[] Id, byte[]? Parent, byte[] Body)>(members.Count);
        using (var reader = session.Command(
            "DELETE FROM {checkpoints} WHERE scope = $scope AND id >= $first AND id <= $last RETURNING id, parent, body;",
            ("$scope", scope), ("$first", members[0].Id), ("$last", members[^1].Id)).ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(((byte[])reader.GetValue(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
            }
        }

        // A raw statement, as the put's own insert: a group writes 32 rows at once.
        rows.Sort((a, b) => a.Id.AsSpan().SequenceCompareTo(b.Id));
        var insert = session.Raw("INSERT INTO {checkpoints} (scope, id, parent, body) VALUES (?1, ?2, ?3, ?4);");
        foreach (var (id, parent, body) in rows)
        {
            insert.Bind(1, scope);
            insert.Bind(2, id);
            insert.Bind(3, parent);
            insert.Bind(4, index.TryGetValue(SqliteKeys.FromBytes(id), out var i) ? Reference(group, i) : body);
            _ = insert.Execute();
        }

        return true;
    }

    private static void SetBody(SqliteSession session, long scope, byte[] id, byte[] body) =>
        _ = session.Execute("UPDATE {checkpoints} SET body = $body WHERE scope = $scope AND id = $id;", ("$body", body), ("$scope", scope), ("$id", id));

    /// <summary>Reads referenced bodies for one session, decoding each group once.</summary>
    internal sealed class Reader(SqliteSession session, SqliteRecordGroupCache? cache = null)
    {
        private Dictionary<long, byte[][]>? _groups;

        /// <summary>The body of checkpoint <paramref name="id"/> given its stored column (a body or a reference).</summary>
        public byte[] Body(byte[] stored, Guid id, string threadId)
        {
            if (!IsReference(stored))
            {
                return stored;
            }

            var location = new BlobLocation(threadId, id, "checkpoint");
            try
            {
                var (group, index) = ParseReference(stored);
                _groups ??= [];
                if (!_groups.TryGetValue(group, out var bodies))
                {
                    bodies = cache?.Find(group);
                    if (bodies is null)
                    {
                        var data = session.Scalar("SELECT data FROM {record_groups} WHERE grp = $grp;", ("$grp", group)) as byte[]
                            ?? throw new InvalidDataException($"record group {group} is missing.");
                        bodies = RecordGroupCodec.Decode(data);
                        cache?.Add(group, bodies);
                    }

                    _groups[group] = bodies;
                }

                // A copy: the cached array is shared between reads.
                return index < bodies.Length
                    ? (byte[])bodies[index].Clone()
                    : throw new InvalidDataException($"record group {group} has {bodies.Length} bodies, not {index + 1}.");
            }
            catch (InvalidDataException ex)
            {
                throw new CorruptCheckpointException(location, $"cannot read the checkpoint body from its record group: {ex.Message}", ex);
            }
        }
    }

    private static void WriteVarint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    private static ulong ReadVarint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException("the group reference is cut short.");
            }

            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("the group reference is too long.");
    }
}
