namespace Checkpoint.Sqlite;

/// <summary>
/// How the <c>parent</c> column is stored. Almost every checkpoint continues the previous one of its
/// scope, so that case costs no bytes: NULL means "the checkpoint before this one (by id) in the
/// scope, if any"; an empty blob means "no parent"; otherwise the column holds the parent's id.
/// Writers keep the meaning stable: a checkpoint inserted before an implicit one makes the later one
/// explicit first, and a prune makes the oldest kept checkpoint explicit before deleting older ones.
/// </summary>
internal static class SqliteParents
{
    /// <summary>The parent id of checkpoint row <c>c</c>, resolved (NULL when it has none).</summary>
    public const string Resolved =
        "CASE WHEN c.parent IS NULL THEN " +
        "(SELECT p.id FROM {checkpoints} p WHERE p.scope = c.scope AND p.id < c.id ORDER BY p.id DESC LIMIT 1) " +
        "WHEN length(c.parent) = 16 THEN c.parent END";

    /// <summary>
    /// Turns the implicit parent (NULL) of the checkpoint with id <c>$id</c> into an explicit one,
    /// resolved against the scope as it is now.
    /// </summary>
    public const string MakeExplicit =
        "UPDATE {checkpoints} AS c SET parent = coalesce(" +
        "(SELECT p.id FROM {checkpoints} p WHERE p.scope = c.scope AND p.id < c.id ORDER BY p.id DESC LIMIT 1), x'') " +
        "WHERE c.scope = $scope AND c.id = $id AND c.parent IS NULL;";

    /// <summary>The stored value of "no parent".</summary>
    public static readonly byte[] None = [];
}
