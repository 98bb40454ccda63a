using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpoint.Sqlite;

/// <summary>
/// Stores checkpoints in one SQLite file (WAL mode): the embedded default saver. Any number of
/// savers, threads and processes may share the file; writes run in <c>BEGIN IMMEDIATE</c>
/// transactions so concurrent writers queue (with <c>busy_timeout</c> and a retry) instead of
/// failing. The schema is created or migrated on first use.
/// </summary>
public sealed partial class SqliteCheckpointSaver : CheckpointSaver
{
    private readonly SqliteConnectionPool _pool;
    private readonly SqliteCheckpointSaverOptions _options;
    private readonly SqliteTables _tables;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);

    /// <summary>Decoded record groups (about 4 KB each): a warm read of a grouped checkpoint inflates nothing; none when the chunk cache is off.</summary>
    private readonly SqliteRecordGroupCache _groupCache;
    private volatile bool _initialized;

    /// <summary>
    /// Creates a saver on a database file: a path (<c>"agent.db"</c>) or a connection string
    /// (<c>"Data Source=agent.db"</c>); a text without '=' is taken as a path.
    /// </summary>
    public SqliteCheckpointSaver(string connectionString)
        : this(connectionString, new SqliteCheckpointSaverOptions())
    {
    }

    /// <summary>Creates a saver with explicit options; <paramref name="connectionString"/> may be a plain path.</summary>
    public SqliteCheckpointSaver(string connectionString, SqliteCheckpointSaverOptions options)
        : base(options?.Serializer, options?.ChunkCacheBytes ?? DefaultChunkCacheBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxAttempts);
        _ = CheckThreadTimeToLive(options.ThreadTimeToLive, $"{nameof(SqliteCheckpointSaverOptions)}.{nameof(SqliteCheckpointSaverOptions.ThreadTimeToLive)}");
        _options = options;
        _tables = new SqliteTables(options.TablePrefix);
        _groupCache = new SqliteRecordGroupCache(options.ChunkCacheBytes > 0 ? 256 : 0);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MemoryMapBytes, $"{nameof(SqliteCheckpointSaverOptions)}.{nameof(SqliteCheckpointSaverOptions.MemoryMapBytes)}");
        _pool = new SqliteConnectionPool(
            connectionString, options.BusyTimeout, _tables, backgroundCheckpoints: options.BackgroundWalCheckpoints, memoryMapBytes: options.MemoryMapBytes)
        {
            Logger = options.LoggerFactory?.CreateLogger<SqliteCheckpointSaver>() ?? (ILogger)NullLogger.Instance,
        };
    }

    /// <summary>The database file: its full path (or the <c>file:</c> URI it was given as).</summary>
    public string DatabasePath => _pool.Path;

    /// <inheritdoc />
    protected override string StoreDescription => DatabasePath;

    /// <summary>
    /// Creates or migrates the schema now (otherwise it happens on first use). Throws
    /// <see cref="InvalidOperationException"/> when the file was written by a newer schema version,
    /// or when it cannot be opened or is not a SQLite database (the message names the file).
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (_initialized)
        {
            return;
        }

        try
        {
            await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (IsDisposed)
        {
            ThrowIfDisposed();
            throw;
        }

        try
        {
            if (_initialized)
            {
                return;
            }

            await SqliteRetries.MigrateAsync(_pool, RentAsync, _options.MaxAttempts, _options.TimeProvider, nameof(SqliteCheckpointSaver),
                (connection, token) => SqliteSchema.MigrateAsync(connection, _tables, SqliteSchema.LatestVersion, token), cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>Closes the saver's connections after checkpointing the WAL into the database file.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
            _initializeGate.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A pooled connection; once the saver is disposed, an error naming the saver.</summary>
    private async ValueTask<SqliteStatements> RentAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (IsDisposed)
        {
            ThrowIfDisposed();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction (<c>BEGIN IMMEDIATE</c> for writes, a
    /// deferred read transaction otherwise), retrying it from the start when SQLite reports
    /// the database busy or locked. The work itself is synchronous: it runs the connection's
    /// cached statements (see <see cref="SqliteSession"/>).
    /// </summary>
    private async Task<T> RunAsync<T>(bool write, Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await SqliteRetries.InTransactionAsync(_pool, RentAsync, _options.MaxAttempts, _options.TimeProvider, write, work, cancellationToken).ConfigureAwait(false);
    }

    private CheckpointRecord Decode(byte[] body, Guid id, string threadId, string checkpointNamespace, Guid? parentId) =>
        CheckpointRecordCodec.Decode(body, id, threadId, checkpointNamespace, parentId, Serializer);
}
