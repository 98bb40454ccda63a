using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>Errors opening or migrating the database file, rewritten to name the file and what to pass.</summary>
internal static class SqliteOpenErrors
{
    private const int CantOpen = 14; // SQLITE_CANTOPEN
    private const int NotADatabase = 26; // SQLITE_NOTADB

    /// <summary>
    /// True for errors that mean the file cannot be used at all (rather than a busy or locked
    /// database, which is retried, or a failed statement).
    /// </summary>
    public static bool IsOpenError(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is CantOpen or NotADatabase;

    /// <summary>An exception naming the file, what SQLite said, and what to pass instead.</summary>
    public static InvalidOperationException CannotUse(string path, SqliteException error, string owner = nameof(SqliteCheckpointSaver))
    {
        var hint = (error.SqliteErrorCode & 0xFF) switch
        {
            NotADatabase => "The file exists but is not a SQLite database (or is encrypted). Pass the path of a checkpoint database, or of a file that does not exist yet.",
            CantOpen => "The file cannot be opened or created: check that its directory exists and that the process may write there.",
            _ => "The file could not be prepared as a checkpoint database.",
        };
        return new InvalidOperationException(
            $"{owner} cannot use the database file '{path}': {error.Message} {hint} " +
            $"Pass a file path (new {owner}(\"agent.db\")) or a connection string (\"Data Source=/data/agent.db\").",
            error);
    }
}
