using System.Text.RegularExpressions;

namespace Checkpoint.Sqlite;

/// <summary>
/// The saver's table names: <see cref="SqliteCheckpointSaverOptions.TablePrefix"/> before each, so
/// that the tables cannot collide with an application's own tables in the same file. SQL texts are
/// written with <c>{table}</c> placeholders and translated once per connection and text
/// (see <see cref="SqliteStatements"/>).
/// </summary>
internal sealed partial class SqliteTables
{
    /// <summary>Every placeholder, as written in SQL texts: the tables, their indexes and triggers (and the index on checkpoint ids of versions 2-4).</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "names", "checkpoints", "chunks", "writes", "schema_version", "checkpoints_by_id", "record_groups", "record_groups_by_scope",
        "id_prefixes", "checkpoints_id_unique", "checkpoints_id_added", "checkpoints_id_removed",
    ];

    /// <summary>Creates the names for a prefix: empty, or a letter or underscore followed by letters, digits or underscores.</summary>
    public SqliteTables(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && !Identifier().IsMatch(prefix))
        {
            throw new ArgumentException(
                $"The table prefix '{prefix}' is not a plain SQL identifier: use a letter or underscore, then letters, digits or underscores.",
                nameof(prefix));
        }

        Prefix = prefix;
    }

    /// <summary>The prefix of every table name.</summary>
    public string Prefix { get; }

    /// <summary>The stored name of a table or index (<paramref name="name"/> is one of <see cref="Names"/>).</summary>
    public string this[string name] => Prefix + name;

    /// <summary>A SQL text with every <c>{name}</c> placeholder replaced by the prefixed name.</summary>
    public string Sql(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var sql = template;
        foreach (var name in Names)
        {
            sql = sql.Replace("{" + name + "}", Prefix + name, StringComparison.Ordinal);
        }

        return sql;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
