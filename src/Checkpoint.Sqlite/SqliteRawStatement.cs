using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Checkpoint.Sqlite;

/// <summary>
/// One prepared statement run through SQLitePCL.raw directly, for the few statements every put runs
/// (transaction control, the probe, the record and chunk inserts): parameters bound by position, no
/// data reader. Errors surface as the <see cref="SqliteException"/> Microsoft.Data.Sqlite would throw.
/// </summary>
/// <remarks>
/// Measured on W1 (perf, 2026-11-30): through <see cref="SqliteCommand"/> each execution looks every
/// parameter up by name (a UTF-8 conversion and a search of the statement's names) and builds a data
/// reader, about a seventh of the saver's own CPU time per put. Not thread-safe: it belongs to its
/// connection (<see cref="SqliteStatements"/>), which has one renter at a time.
/// </remarks>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>Prepares <paramref name="sql"/> (exactly one statement) on <paramref name="connection"/>.</summary>
    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, _db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException("A raw statement runs exactly one SQL statement.", nameof(sql));
        }
    }

    /// <summary>Binds an integer to parameter <paramref name="index"/> (1-based, in order of appearance).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds a text to parameter <paramref name="index"/>.</summary>
    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds a blob (copied by SQLite), or NULL when <paramref name="value"/> is null.</summary>
    public void Bind(int index, byte[]? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement to its next row: true with a row to read, false when done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        try
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
            return false;
        }
        finally
        {
            _ = raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a statement that returns no rows, resets it, and returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            _ = Step();
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Whether column <paramref name="index"/> (0-based) of the current row is NULL.</summary>
    public bool IsNull(int index) => raw.sqlite3_column_type(_statement, index) == raw.SQLITE_NULL;

    /// <summary>Column <paramref name="index"/> of the current row as an integer.</summary>
    public long Int64(int index) => raw.sqlite3_column_int64(_statement, index);

    /// <summary>Column <paramref name="index"/> of the current row as a new byte array, or null for NULL.</summary>
    public byte[]? Blob(int index) => IsNull(index) ? null : raw.sqlite3_column_blob(_statement, index).ToArray();

    /// <summary>Makes the statement ready to run again (its bindings stay until bound anew).</summary>
    public void Reset() => _ = raw.sqlite3_reset(_statement);

    /// <summary>Finalizes the statement.</summary>
    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
