using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// One connection inside one transaction (<see cref="SqliteStatements.Begin"/>): hands out the connection's cached commands (see
/// <see cref="SqliteStatements"/>). Statements run synchronously (the
/// asynchronous API of Microsoft.Data.Sqlite runs them synchronously anyway); cancellation is
/// checked before each one.
/// </summary>
internal sealed class SqliteSession(SqliteStatements statements, CancellationToken cancellationToken)
{
    /// <summary>The cached command for <paramref name="sql"/>, with these parameter values (never dispose it).</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var command = statements.Get(sql);
        var current = command.Parameters;
        if (!SameNames(current, parameters))
        {
            current.Clear();
            foreach (var (name, value) in parameters)
            {
                _ = current.AddWithValue(name, value);
            }

            return command;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            current[i].Value = parameters[i].Value;
        }

        return command;
    }

    /// <summary>The connection's raw statement for <paramref name="sql"/> (see <see cref="SqliteRawStatement"/>): bind, run, reset.</summary>
    public SqliteRawStatement Raw(string sql)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return statements.Raw(sql);
    }

    /// <summary>Runs a statement with parameters; returns the changed row count.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object Value)> parameters) =>
        Command(sql, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row, or null.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        var result = Command(sql, parameters).ExecuteScalar();
        return result is DBNull ? null : result;
    }

    /// <summary>Throws when the session's operation was cancelled.</summary>
    public void ThrowIfCancellationRequested() => cancellationToken.ThrowIfCancellationRequested();

    private static bool SameNames(SqliteParameterCollection current, ReadOnlySpan<(string Name, object Value)> parameters)
    {
        if (current.Count != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(current[i].ParameterName, parameters[i].Name, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
