namespace Checkpoint.Sqlite;

/// <summary>
/// The interned keys of the <c>names</c> table: threads (owner 0), their namespaces ("scopes",
/// owner the thread) and the blobs of a scope (owner the scope, name the 16-byte blob id).
/// </summary>
internal static class SqliteNames
{
    /// <summary>Joins a checkpoint <c>c</c> to its namespace row <c>n</c> and thread row <c>t</c>.</summary>
    public const string JoinScope = "JOIN names n ON n.id = c.scope JOIN names t ON t.id = n.owner ";

    /// <summary>The scope of (thread, namespace), or null.</summary>
    public static async Task<long?> FindScopeAsync(
        SqliteSession session, string threadId, string checkpointNamespace, CancellationToken cancellationToken) =>
        await session.ScalarAsync(
            "SELECT n.id FROM names t JOIN names n ON n.owner = t.id WHERE t.owner = 0 AND t.name = $thread AND n.name = $ns;",
            cancellationToken, ("$thread", threadId), ("$ns", checkpointNamespace)).ConfigureAwait(false) as long?;

    /// <summary>The scope of (thread, namespace), created when missing.</summary>
    public static async Task<long> GetOrCreateScopeAsync(
        SqliteSession session, string threadId, string checkpointNamespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        var thread = await GetOrCreateAsync(session, 0, threadId, cancellationToken).ConfigureAwait(false);
        return await GetOrCreateAsync(session, thread, checkpointNamespace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The row of a blob of a scope, created when missing.</summary>
    public static Task<long> GetOrCreateBlobAsync(SqliteSession session, long scope, Guid blobId, CancellationToken cancellationToken) =>
        GetOrCreateAsync(session, scope, SqliteKeys.ToBytes(blobId), cancellationToken);

    /// <summary>The row of a blob of a scope, or null.</summary>
    public static async Task<long?> FindBlobAsync(SqliteSession session, long scope, Guid blobId, CancellationToken cancellationToken) =>
        await session.ScalarAsync(
            "SELECT id FROM names WHERE owner = $owner AND name = $name;",
            cancellationToken, ("$owner", scope), ("$name", SqliteKeys.ToBytes(blobId))).ConfigureAwait(false) as long?;

    /// <summary>The row of a thread, or null.</summary>
    public static async Task<long?> FindThreadAsync(SqliteSession session, string threadId, CancellationToken cancellationToken) =>
        await session.ScalarAsync(
            "SELECT id FROM names WHERE owner = 0 AND name = $thread;", cancellationToken, ("$thread", threadId)).ConfigureAwait(false) as long?;

    /// <summary>Every scope (namespace row) of a thread row with its namespace.</summary>
    public static async Task<List<(long Scope, string Namespace)>> ScopesAsync(SqliteSession session, long thread, CancellationToken cancellationToken)
    {
        var scopes = new List<(long, string)>();
        using var command = session.Command("SELECT id, name FROM names WHERE owner = $thread ORDER BY name;");
        command.Parameters.AddWithValue("$thread", thread);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scopes.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return scopes;
    }

    /// <summary>Every blob row of a scope with its blob id.</summary>
    public static async Task<List<(long Blob, Guid BlobId)>> BlobsAsync(SqliteSession session, long scope, CancellationToken cancellationToken)
    {
        var blobs = new List<(long, Guid)>();
        using var command = session.Command("SELECT id, name FROM names WHERE owner = $scope;");
        command.Parameters.AddWithValue("$scope", scope);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            blobs.Add((reader.GetInt64(0), SqliteKeys.FromBytes((byte[])reader.GetValue(1))));
        }

        return blobs;
    }

    private static async Task<long> GetOrCreateAsync(SqliteSession session, long owner, object name, CancellationToken cancellationToken)
    {
        if (await session.ScalarAsync(
                "SELECT id FROM names WHERE owner = $owner AND name = $name;",
                cancellationToken, ("$owner", owner), ("$name", name)).ConfigureAwait(false) is long existing)
        {
            return existing;
        }

        return (long)(await session.ScalarAsync(
            "INSERT INTO names (owner, name) VALUES ($owner, $name) RETURNING id;",
            cancellationToken, ("$owner", owner), ("$name", name)).ConfigureAwait(false))!;
    }
}
