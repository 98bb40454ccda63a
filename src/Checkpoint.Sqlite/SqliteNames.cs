namespace Checkpoint.Sqlite;

/// <summary>
/// The interned keys of the <c>names</c> table: threads (owner 0), their namespaces ("scopes",
/// owner the thread) and the blobs of a scope (owner the scope, name the 16-byte blob id).
/// </summary>
internal static class SqliteNames
{
    /// <summary>Joins a checkpoint <c>c</c> to its namespace row <c>n</c> and thread row <c>t</c>.</summary>
    public const string JoinScope = "JOIN {names} n ON n.id = c.scope JOIN {names} t ON t.id = n.owner ";

    /// <summary>The scope of (<c>$thread</c>, <c>$ns</c>) as a scalar subquery (NULL when missing).</summary>
    public const string ScopeOf =
        "(SELECT n.id FROM {names} t JOIN {names} n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns)";

    /// <summary>The scope of (<c>$thread</c>, <c>$ns</c>) when the thread has not expired (see <c>$live</c>), as a scalar subquery.</summary>
    public const string LiveScopeOf =
        "(SELECT n.id FROM {names} t JOIN {names} n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns " +
        "AND (t.touched IS NULL OR t.touched > $live))";

    private const string SelectName = "SELECT id FROM {names} WHERE owner = $owner AND name = $name;";

    /// <summary>The scope of (thread, namespace), or null.</summary>
    public static long? FindScope(SqliteSession session, string threadId, string checkpointNamespace) =>
        session.Scalar("SELECT " + ScopeOf + ";", ("$thread", threadId), ("$ns", checkpointNamespace)) as long?;

    /// <summary>The scope of (thread, namespace), created when missing (one lookup when it exists).</summary>
    public static long GetOrCreateScope(SqliteSession session, string threadId, string checkpointNamespace)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        if (FindScope(session, threadId, checkpointNamespace) is { } scope)
        {
            return scope;
        }

        var thread = GetOrCreate(session, 0, threadId);
        return GetOrCreate(session, thread, checkpointNamespace);
    }

    /// <summary>The row of a blob of a scope, created when missing.</summary>
    public static long GetOrCreateBlob(SqliteSession session, long scope, Guid blobId) =>
        GetOrCreate(session, scope, SqliteKeys.ToBytes(blobId));

    /// <summary>The row of a thread, or null.</summary>
    public static long? FindThread(SqliteSession session, string threadId) =>
        session.Scalar(SelectName, ("$owner", 0L), ("$name", threadId)) as long?;

    /// <summary>The row of a thread that has not expired (put after <paramref name="liveAfter"/>, or never stamped), or null.</summary>
    public static long? FindLiveThread(SqliteSession session, string threadId, long liveAfter) =>
        session.Scalar(
            "SELECT id FROM {names} WHERE owner = 0 AND name = $thread AND (touched IS NULL OR touched > $live);",
            ("$thread", threadId), ("$live", liveAfter)) as long?;

    /// <summary>Every scope (namespace row) of a thread row with its namespace.</summary>
    public static List<(long Scope, string Namespace)> Scopes(SqliteSession session, long thread)
    {
        var scopes = new List<(long, string)>();
        using var reader = session.Command("SELECT id, name FROM {names} WHERE owner = $thread ORDER BY name;", ("$thread", thread)).ExecuteReader();
        while (reader.Read())
        {
            scopes.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return scopes;
    }

    /// <summary>Every blob row of a scope with its blob id.</summary>
    public static List<(long Blob, Guid BlobId)> Blobs(SqliteSession session, long scope)
    {
        var blobs = new List<(long, Guid)>();
        using var reader = session.Command("SELECT id, name FROM {names} WHERE owner = $scope;", ("$scope", scope)).ExecuteReader();
        while (reader.Read())
        {
            blobs.Add((reader.GetInt64(0), SqliteKeys.FromBytes((byte[])reader.GetValue(1))));
        }

        return blobs;
    }

    private static long GetOrCreate(SqliteSession session, long owner, object name)
    {
        if (session.Scalar(SelectName, ("$owner", owner), ("$name", name)) is long existing)
        {
            return existing;
        }

        return (long)session.Scalar("INSERT INTO {names} (owner, name) VALUES ($owner, $name) RETURNING id;", ("$owner", owner), ("$name", name))!;
    }
}
