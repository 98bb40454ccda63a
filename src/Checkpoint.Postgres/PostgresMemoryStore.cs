using Checkpoint.Memory;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// Long-term memory in PostgreSQL through an <see cref="NpgsqlDataSource"/>, beside the
/// <see cref="PostgresCheckpointSaver"/> (same default schema): items in one table, keyword search
/// through a <c>tsvector</c> column (GIN) ranked by BM25 computed in SQL, vector search through
/// pgvector when the database has it, else a <c>real[]</c> column scanned in the client. Any number
/// of stores and processes may share the tables; a put is one transaction that locks the rows it
/// replaces, so <see cref="MemoryWrite.ExpectedVersion"/> holds across them. The change feed
/// (<see cref="MemoryStore.WatchAsync"/>) is the history table numbered in commit order, and watchers are
/// woken through LISTEN/NOTIFY (one listening connection per store instance, taken from its data source on the
/// first watch and kept until the store is disposed).
/// </summary>
/// <remarks>
/// Filters: SQL applies what columns decide (namespace range, expiry, kinds, subject, times), then
/// each decoded item is checked with <see cref="MemoryFilter.Matches"/> (metadata, entities), reading
/// rows in rank order until enough pass. With an encryption key the <c>tsvector</c> stays empty and
/// the subject column NULL (both would hold plaintext): keyword search then decodes the items under
/// the prefix and scores them with <see cref="Bm25"/>, as the SQLite store does.
/// </remarks>
public sealed partial class PostgresMemoryStore : MemoryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresMemoryStoreOptions _postgres;
    private readonly PostgresMemorySql _sql;
    private readonly PostgresVectorCache _vectors = new();
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;
    private bool _pgVector;
    private int _storedDimensions;

    /// <summary>Creates a store on a data source the caller owns (and disposes).</summary>
    public PostgresMemoryStore(NpgsqlDataSource dataSource, MemoryStoreOptions? options = null, PostgresMemoryStoreOptions? postgres = null)
        : this(dataSource, ownsDataSource: false, options, postgres)
    {
    }

    /// <summary>Creates a store with its own data source for an Npgsql connection string.</summary>
    public PostgresMemoryStore(string connectionString, MemoryStoreOptions? options = null, PostgresMemoryStoreOptions? postgres = null)
        : this(PostgresDataSources.Create(Checked(connectionString)), ownsDataSource: true, options, postgres)
    {
    }

    private PostgresMemoryStore(NpgsqlDataSource dataSource, bool ownsDataSource, MemoryStoreOptions? options, PostgresMemoryStoreOptions? postgres)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _postgres = postgres ?? new PostgresMemoryStoreOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_postgres.MaxAttempts, nameof(postgres));
        ArgumentOutOfRangeException.ThrowIfLessThan(_postgres.ScrubWaitTimeout, TimeSpan.Zero, "postgres.ScrubWaitTimeout");
        _sql = new PostgresMemorySql(_postgres.Schema, _postgres.TablePrefix);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>The schema holding the memory tables.</summary>
    public string Schema => _postgres.Schema;

    /// <summary>The PostgreSQL settings.</summary>
    public PostgresMemoryStoreOptions PostgresOptions => _postgres;

    /// <summary>True when the table's vector column is pgvector's (known once the store is initialized).</summary>
    public bool UsesPgVector => _pgVector;

    // With a key nothing readable may reach the table: no tsvector words, no subject column.
    private bool Encrypts => Options.Serializer.Encrypts;

    /// <summary>Where the store is, for errors: server, database and table.</summary>
    private string Location
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"PostgreSQL at {builder.Host}:{builder.Port}, database '{builder.Database}', table {_sql.Items}";
        }
    }

    /// <summary>
    /// Creates or migrates the memory tables now (otherwise on first use) and reads which vector column
    /// they have. Throws <see cref="InvalidOperationException"/> naming the server and table when it cannot.
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
                await OnConnectionAsync("create the memory tables", async (connection, token) =>
                {
                    await PostgresMemorySchema.MigrateAsync(connection, _sql, _postgres.UsePgVector, token).ConfigureAwait(false);
                    await ReadStateAsync(connection, token).ConfigureAwait(false);
                    return 0;
                }, attempts: 1, committing: null, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            await StopListeningAsync().ConfigureAwait(false);
            if (_ownsDataSource)
            {
                await _dataSource.DisposeAsync().ConfigureAwait(false);
            }

            _initializeGate.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection after the tables exist. A race a retry
    /// resolves (a concurrent insert of the same key, a deadlock) runs it again, up to
    /// <paramref name="attempts"/> times. A connection found broken (the server restarted since it was
    /// pooled) clears the pool and runs it once more on a new connection, unless
    /// <paramref name="committing"/> says the break may have hidden a commit. Other database errors
    /// become exceptions naming the store.
    /// </summary>
    private async Task<T> RunAsync<T>(
        string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken,
        int attempts = 1, Func<bool>? committing = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OnConnectionAsync(operation, work, attempts, committing, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> OnConnectionAsync<T>(
        string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, int attempts, Func<bool>? committing, CancellationToken cancellationToken)
    {
        var reconnected = false;
        for (var attempt = 1; ; attempt++)
        {
            ThrowIfDisposed();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await work(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (attempt < attempts && IsRace(ex))
            {
                // Run again: the transaction now sees the row the other writer committed.
            }
            catch (Exception ex) when (!reconnected && !cancellationToken.IsCancellationRequested && PostgresErrors.IsBrokenConnection(ex) &&
                                       committing?.Invoke() != true)
            {
                // Idle pooled connections died with the old server process: drop them all.
                reconnected = true;
                _dataSource.Clear();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                throw PostgresTimeouts.IsTimeout(ex)
                    ? new TimeoutException(
                        $"{nameof(PostgresMemoryStore)} could not {operation} in time ({Location}): {ex.Message} " +
                        "The limits are the connection string's Timeout (connecting) and Command Timeout (each command).", ex)
                    : new InvalidOperationException($"{nameof(PostgresMemoryStore)} could not {operation} ({Location}): {ex.Message}", ex);
            }
        }
    }

    // 23505: another transaction inserted the same (ns, key) first; 40P01 / 40001: deadlock or serialization.
    private static bool IsRace(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>Reads the vector column type and, once set, the vector size.</summary>
    private async Task ReadStateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.ReadState, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The memory state row is missing from {_sql.State}.");
        }

        if (!reader.IsDBNull(0))
        {
            _storedDimensions = reader.GetInt32(0);
        }

        _pgVector = reader.GetString(1) == PostgresMemorySchema.PgVector;
    }

    /// <summary>Throws when <paramref name="dimensions"/> differs from the size of the vectors in the table.</summary>
    private void CheckDimensions(int dimensions, int stored)
    {
        if (stored != 0 && stored != dimensions)
        {
            throw new InvalidOperationException(
                $"A vector of {dimensions} dimensions cannot be used with {_sql.Items}: it holds vectors of {stored} dimensions " +
                $"(use the embedding generator the table was filled with; MemoryStoreOptions.Dimensions = {stored}).");
        }
    }

    private MemoryItem Decode(byte[] body, string storageKey, string key) =>
        MemoryItemCodec.Decode(body, ParseNamespace(storageKey), key, Options.Serializer);

    private static MemoryNamespace ParseNamespace(string storageKey) => MemoryNamespace.Parse(storageKey[..^1]);

    private static string Checked(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return connectionString;
    }
}
