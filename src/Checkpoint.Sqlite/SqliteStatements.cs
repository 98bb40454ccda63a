using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// One pooled connection with its prepared statements: a <see cref="SqliteCommand"/> per SQL text,
/// created on first use and kept while the connection lives. Microsoft.Data.Sqlite prepares a
/// command's statements on its first execution and reuses them when the same command object runs
/// again with new parameter values, so a cached command skips SQLite's parse and plan. The put path's
/// few hot statements are kept as <see cref="SqliteRawStatement"/>s instead (see <see cref="Raw"/>).
/// </summary>
/// <remarks>
/// Not thread-safe: the connection (and so its cache) belongs to one renter at a time. Only constant
/// SQL texts are cached, so the cache stays small; <see cref="Trim"/> empties it should it ever grow
/// past <see cref="Capacity"/>.
/// </remarks>
internal sealed class SqliteStatements(SqliteConnection connection, SqliteTables tables) : IDisposable
{
    /// <summary>How many commands a connection keeps before <see cref="Trim"/> drops them all.</summary>
    public const int Capacity = 64;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteRawStatement> _raw = new(StringComparer.Ordinal);

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection => connection;

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, its <c>{table}</c> placeholders replaced
    /// by the saver's table names (owned by the cache: never dispose it).
    /// </summary>
    public SqliteCommand Get(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = tables.Sql(sql);
            _commands.Add(sql, command);
        }

        return command;
    }

    /// <summary>
    /// The connection's raw statement for <paramref name="sql"/> (one statement; <c>{table}</c> placeholders
    /// replaced), for the statements every put runs (see <see cref="SqliteRawStatement"/>). Owned by the cache.
    /// </summary>
    public SqliteRawStatement Raw(string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new SqliteRawStatement(connection, tables.Sql(sql));
            _raw.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>
    /// Starts a transaction: <c>BEGIN IMMEDIATE</c> (takes the write lock now, so a writer waits in
    /// <c>busy_timeout</c> instead of failing at its first write) or a deferred <c>BEGIN</c>.
    /// </summary>
    /// <remarks>
    /// Plain cached statements rather than <see cref="SqliteConnection.BeginTransaction()"/>, which parses
    /// <c>PRAGMA read_uncommitted</c>, <c>BEGIN</c> and later <c>COMMIT</c> afresh at every transaction
    /// (three statements prepared and run per put). Commands then run with no <see cref="SqliteCommand.Transaction"/>.
    /// </remarks>
    public void Begin(bool write) => _ = Raw(write ? "BEGIN IMMEDIATE;" : "BEGIN;").Execute();

    /// <summary>Commits the transaction <see cref="Begin"/> started.</summary>
    public void Commit() => _ = Raw("COMMIT;").Execute();

    /// <summary>
    /// Rolls back the transaction still open on the connection, if any (after a failed statement or commit; SQLite
    /// may already have rolled it back itself, after a full disk say).
    /// </summary>
    public void RollbackIfOpen()
    {
        if (connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            _ = Raw("ROLLBACK;").Execute();
        }
    }

    /// <summary>Drops every cached command when there are more than <see cref="Capacity"/> (call between transactions).</summary>
    public void Trim()
    {
        // The raw statements are a fixed handful (the put path's), so only the commands count.
        if (_commands.Count > Capacity)
        {
            DisposeCommands();
        }
    }

    /// <summary>Disposes the cached commands, then the connection.</summary>
    public void Dispose()
    {
        DisposeCommands();
        connection.Dispose();
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        foreach (var statement in _raw.Values)
        {
            statement.Dispose();
        }

        _commands.Clear();
        _raw.Clear();
    }
}
