using Microsoft.Extensions.Logging;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The LISTEN connection of one <see cref="PostgresMemoryStore"/>, shared by all its watchers: knows the latest change
/// id it has heard of (notifications, its own instance's commits, a fallback poll) and wakes the waiters when it grows.
/// A broken connection (server restart, <c>pg_terminate_backend</c>) is reopened with backoff; after each LISTEN the
/// latest id is read, so a change committed while nobody listened is noticed then.
/// </summary>
internal sealed partial class PostgresMemoryListener : IAsyncDisposable
{
    /// <summary>The <c>application_name</c> of the listening session (to find it in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "checkpoint memory feed";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresMemorySql _sql;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger? _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _latest = -1; // unknown until the first LISTEN: every waiter waits for it
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Starts listening in the background on a connection of <paramref name="dataSource"/> to the channel of
    /// <paramref name="sql"/>'s tables, reading the latest id every <paramref name="pollInterval"/> without a
    /// notification (so a lost one only delays); reconnections are logged to <paramref name="logger"/>.
    /// </summary>
    public PostgresMemoryListener(NpgsqlDataSource dataSource, PostgresMemorySql sql, TimeSpan pollInterval, ILogger? logger)
    {
        _dataSource = dataSource;
        _sql = sql;
        _pollInterval = pollInterval;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Records that the feed reached <paramref name="changeId"/> and wakes the waiters when that is news.</summary>
    public void Advance(long changeId)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _latest);
            if (changeId <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _latest, changeId, seen) != seen);

        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Returns once a change after <paramref name="after"/> is known to exist.</summary>
    public async Task WaitAsync(long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task; // taken before the check, so an advance in between is not missed
            if (Volatile.Read(ref _latest) > after)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var name = new NpgsqlCommand($"SET application_name = '{ApplicationName}'", connection))
                {
                    _ = await name.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // LISTEN first, then read: a commit before the LISTEN is in the read, one after it is notified. Two
                // statements, not one batch: LISTEN takes effect when its transaction commits, and a batch is one
                // transaction, so its read would come before the LISTEN counts and a commit in between would be missed.
                await using (var listen = new NpgsqlCommand($"LISTEN \"{_sql.Channel}\"", connection))
                {
                    _ = await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var read = new NpgsqlCommand(_sql.LatestChangeId, connection))
                {
                    Advance(await ReadLatestAsync(read.ExecuteReaderAsync(cancellationToken), cancellationToken).ConfigureAwait(false));
                }

                retry = FirstRetry;
                while (true)
                {
                    if (!await connection.WaitAsync(_pollInterval, cancellationToken).ConfigureAwait(false))
                    {
                        // No notification for a while: check anyway (a lost notification only delays a watcher).
                        await using var poll = new NpgsqlCommand(_sql.LatestChangeId, connection);
                        Advance(await ReadLatestAsync(poll.ExecuteReaderAsync(cancellationToken), cancellationToken).ConfigureAwait(false));
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(connection).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (_logger is not null)
                {
                    LogBroken(_logger, _sql.Channel, retry.TotalMilliseconds, ex);
                }

                try
                {
                    // Real time, not the store's clock: this paces reconnects to a server, it dates nothing.
                    await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    // The store is done: a connection that is still usable goes back to the pool without its LISTEN and name (a pooled
    // session that still listened would receive notifications nobody reads, and the server's queue would grow).
    private static async Task ReleaseAsync(NpgsqlConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var reset = new NpgsqlCommand("UNLISTEN *; RESET application_name", connection) { CommandTimeout = 5 };
                _ = await reset.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
        {
            // Broken by the cancelled wait: it leaves the pool when disposed.
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<long> ReadLatestAsync(Task<NpgsqlDataReader> reading, CancellationToken cancellationToken)
    {
        await using var reader = await reading.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? reader.GetInt64(0)
            : throw new InvalidOperationException("The memory state row is missing.");
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var changeId))
        {
            Advance(changeId);
        }
    }

    [LoggerMessage(201, LogLevel.Warning, "Memory change feed: the LISTEN connection for channel {Channel} failed; reconnecting in {RetryMs} ms")]
    private static partial void LogBroken(ILogger logger, string channel, double retryMs, Exception exception);
}
