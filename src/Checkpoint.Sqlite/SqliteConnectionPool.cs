using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpoint.Sqlite;

/// <summary>
/// The saver's own open connections (Microsoft.Data.Sqlite pooling is switched off so disposing
/// the saver really closes them, which checkpoints and removes the WAL when it is the last one).
/// Every connection gets <c>busy_timeout</c> and <c>synchronous=NORMAL</c> once, when opened, and
/// keeps its prepared statements (<see cref="SqliteStatements"/>) while it is pooled.
/// </summary>
internal sealed class SqliteConnectionPool : IAsyncDisposable
{
    private readonly ConcurrentStack<SqliteStatements> _idle = new();
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly SqliteTables _tables;
    private readonly string _owner;
    private readonly SqliteWalCheckpointer? _checkpointer;
    private int _disposed;

    /// <summary>Where busy retries are logged (the saver's <see cref="SqliteCheckpointSaverOptions.LoggerFactory"/>); nothing by default.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// Creates a pool for a connection string, or for a plain file path: a text without '=' cannot
    /// be a connection string, so it is taken as the file's path.
    /// </summary>
    public SqliteConnectionPool(
        string connectionString, TimeSpan busyTimeout, SqliteTables tables, string owner = nameof(SqliteCheckpointSaver), bool backgroundCheckpoints = false,
        long memoryMapBytes = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = connectionString.Contains('=', StringComparison.Ordinal)
                ? new SqliteConnectionStringBuilder(connectionString)
                : new SqliteConnectionStringBuilder { DataSource = connectionString.Trim() };
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"'{connectionString}' is neither a file path nor a valid SQLite connection string ({ex.Message}). " +
                "Pass a path (\"agent.db\") or \"Data Source=path\".", nameof(connectionString), ex);
        }

        builder.Pooling = false;
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));
        if (builder.Mode is SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new ArgumentException($"{owner} needs a database file: pass a path (\"agent.db\") or \"Data Source=path\".", nameof(connectionString));
        }

        _connectionString = builder.ToString();
        _tables = tables;
        _owner = owner;
        Path = builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? builder.DataSource
            : System.IO.Path.GetFullPath(builder.DataSource);
        var milliseconds = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _pragmas = $"PRAGMA busy_timeout = {milliseconds}; PRAGMA synchronous = NORMAL;";
        if (memoryMapBytes > 0)
        {
            _pragmas += $" PRAGMA mmap_size = {memoryMapBytes.ToString(CultureInfo.InvariantCulture)};";
        }

        if (backgroundCheckpoints)
        {
            _checkpointer = new SqliteWalCheckpointer(this);
            _pragmas += $" PRAGMA wal_autocheckpoint = {SqliteWalCheckpointer.FallbackFrames};";
        }
    }

    /// <summary>The database file (its full path, or the URI it was given as), for messages.</summary>
    public string Path { get; }

    /// <summary>
    /// An open connection for the caller's exclusive use until <see cref="Return"/>. A file that cannot
    /// be opened raises <see cref="InvalidOperationException"/> naming it.
    /// </summary>
    public async ValueTask<SqliteStatements> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_idle.TryPop(out var idle))
        {
            return idle;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new SqliteStatements(connection, _tables);
        }
        catch (SqliteException ex) when (SqliteOpenErrors.IsOpenError(ex))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteOpenErrors.CannotUse(Path, ex, _owner);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Counts a committed write transaction (for background WAL checkpoints, when the pool runs them).</summary>
    public void Committed() => _checkpointer?.Committed();

    /// <summary>Gives a rented connection back (closes it when the pool is disposed or it broke).</summary>
    public void Return(SqliteStatements connection)
    {
        if (Volatile.Read(ref _disposed) != 0 || connection.Connection.State != System.Data.ConnectionState.Open)
        {
            connection.Dispose();
            return;
        }

        connection.Trim();
        _idle.Push(connection);
        if (Volatile.Read(ref _disposed) != 0 && _idle.TryPop(out var late))
        {
            late.Dispose();
        }
    }

    /// <summary>Checkpoints the WAL into the database file (truncating it) and closes every idle connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_checkpointer is not null)
        {
            await _checkpointer.StopAsync().ConfigureAwait(false);
        }

        var first = true;
        while (_idle.TryPop(out var connection))
        {
            if (first)
            {
                first = false;
                try
                {
                    using var command = connection.Connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // Another connection is busy with the file: it will checkpoint when it closes.
                }
            }

            connection.Dispose();
        }
    }
}
