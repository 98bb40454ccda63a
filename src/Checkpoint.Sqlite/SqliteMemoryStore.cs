using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// Long-term memory in one SQLite file (WAL), which it may share with a <see cref="SqliteCheckpointSaver"/>:
/// items in a table, keyword (BM25) and vector (cosine) search through an in-process
/// <see cref="MemorySearchIndex"/> kept in sync with the table (see <see cref="SqliteSearchIndex"/>).
/// Any number of stores, threads and processes may share the file; writes run in <c>BEGIN IMMEDIATE</c> transactions.
/// </summary>
/// <remarks>
/// A search asks the index for the best ids by each signal under the namespace prefix, reads those rows
/// in one statement, decodes them and checks each with <see cref="MemoryFilter.Matches"/>; when a filter
/// drops items it asks the index for more. The index is loaded from the table (every body decoded) on
/// the first search and again after another instance or process wrote, so its words stay in process
/// memory: with an encryption key the file holds no plaintext words.
/// </remarks>
public sealed partial class SqliteMemoryStore : MemoryStore
{
    private readonly SqliteConnectionPool _pool;
    private readonly SqliteMemoryStoreOptions _sqlite;
    private readonly SqliteMemorySql _sql;
    private readonly SqliteSearchIndex _index = new();
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private readonly SqliteChangeProbe _changeProbe;
    private volatile bool _initialized;

    /// <summary>
    /// Creates a store on a database file: a path (<c>"agent.db"</c>) or a connection string
    /// (<c>"Data Source=agent.db"</c>), with the store's options and, optionally, SQLite settings.
    /// </summary>
    public SqliteMemoryStore(string connectionString, MemoryStoreOptions? options = null, SqliteMemoryStoreOptions? sqlite = null)
        : base(options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _sqlite = sqlite ?? new SqliteMemoryStoreOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_sqlite.MaxAttempts, nameof(sqlite));
        var tables = new SqliteTables(_sqlite.TablePrefix);
        _sql = new SqliteMemorySql(tables);
        _pool = new SqliteConnectionPool(connectionString, _sqlite.BusyTimeout, tables, nameof(SqliteMemoryStore), _sqlite.BackgroundWalCheckpoints);
        _changeProbe = new SqliteChangeProbe(RentAsync, _sql.LatestChangeId);
    }

    /// <summary>The database file: its full path (or the <c>file:</c> URI it was given as).</summary>
    public string DatabasePath => _pool.Path;

    /// <summary>How many times this instance loaded its search index from the whole table.</summary>
    internal int IndexLoads => _index.Loads;

    /// <summary>The SQLite settings.</summary>
    public SqliteMemoryStoreOptions SqliteOptions => _sqlite;

    // With a key nothing readable may reach the file: the subject column stays NULL.
    private bool Encrypts => Options.Serializer.Encrypts;

    /// <summary>
    /// Creates or migrates the memory tables now (otherwise on first use). Throws
    /// <see cref="InvalidOperationException"/> naming the file when it cannot be used.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (_initialized)
        {
            return;
        }

        await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await SqliteRetries.MigrateAsync(_pool, RentAsync, _sqlite.MaxAttempts, TimeProvider.System, nameof(SqliteMemoryStore), (connection, _) =>
                {
                    SqliteMemorySchema.Migrate(connection, _sql);
                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>Writes the accesses still pending, then closes the store's connections after checkpointing the WAL into the database file.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            try
            {
                await StopAccessFlushingAsync().ConfigureAwait(false);
            }
            finally
            {
                // The watchers' connection first: the pool's dispose checkpoints the WAL, best with no other connection open.
                await _changeProbe.DisposeAsync().ConfigureAwait(false);
                await _pool.DisposeAsync().ConfigureAwait(false);
                _initializeGate.Dispose();
                _index.Dispose();
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

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
    /// Runs <paramref name="work"/> in one transaction (<c>BEGIN IMMEDIATE</c> for writes), retrying it
    /// from the start while SQLite reports the database busy or locked.
    /// </summary>
    private async Task<T> RunAsync<T>(bool write, Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await SqliteRetries.InTransactionAsync(_pool, RentAsync, _sqlite.MaxAttempts, TimeProvider.System, write, work, cancellationToken).ConfigureAwait(false);
    }

    private MemoryItem Decode(byte[] body, string storageKey, string key) =>
        MemoryItemCodec.Decode(body, ParseNamespace(storageKey), key, Options.Serializer);

    private static MemoryNamespace ParseNamespace(string storageKey) => MemoryNamespace.Parse(storageKey[..^1]);
}
