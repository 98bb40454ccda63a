using Checkpoint.Memory;
using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// The change feed: the history table read by change id (commit-ordered, see <see cref="PostgresMemorySchema"/>), and
/// one LISTEN connection per store instance that wakes its watchers when any process commits a change.
/// </summary>
public sealed partial class PostgresMemoryStore
{
    private readonly Lock _listenerGate = new();
    private PostgresMemoryListener? _listener;

    /// <inheritdoc />
    protected override Task<long> GetLatestChangeIdCoreAsync(CancellationToken cancellationToken) =>
        RunAsync("read the latest memory change id", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(_sql.LatestChangeId, connection);
            return await command.ExecuteScalarAsync(token).ConfigureAwait(false) is long latest
                ? latest
                : throw new InvalidOperationException($"The memory state row is missing from {_sql.State}.");
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<MemoryChangePage> ReadChangesCoreAsync(
        MemoryNamespace namespacePrefix, long after, int limit, CancellationToken cancellationToken) =>
        RunAsync("read memory changes", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(_sql.ReadChanges, connection);
            command.Parameters.Add(new NpgsqlParameter<long>("after", after));
            command.Parameters.Add(new NpgsqlParameter<string>("low", namespacePrefix.StorageKey));
            command.Parameters.Add(new NpgsqlParameter<string>("high", namespacePrefix.StorageKeyUpperBound));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var events = new List<MemoryEvent>();
            var latest = 0L;
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                latest = reader.GetInt64(0);
                if (reader.IsDBNull(1))
                {
                    continue; // the counter row alone: no event after the position
                }

                var at = new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero);
                events.Add(reader.IsDBNull(2)
                    ? MemoryEvent.Erased(reader.GetInt64(1), at)
                    : MemoryEvent.Changed(
                        reader.GetInt64(1), new MemoryKey(ParseNamespace(reader.GetString(2)), reader.GetString(3)),
                        reader.GetInt64(4), (MemoryChangeKind)reader.GetInt32(5), at));
            }

            return new MemoryChangePage(events, events.Count == limit ? events[^1].ChangeId : latest);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Waits on the instance's LISTEN connection (opened by the first watch): woken by the notification every write
    /// transaction sends at commit, by this instance's own commits at once, and by a poll of the latest id every
    /// <see cref="MemoryStoreOptions.ChangePollInterval"/> × 20 (at least 1 s) in case a notification was lost.
    /// </remarks>
    protected override async Task WaitForChangesCoreAsync(long after, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        await Listener().WaitAsync(after, cancellationToken).ConfigureAwait(false);
    }

    private PostgresMemoryListener Listener()
    {
        lock (_listenerGate)
        {
            ThrowIfDisposed();
            var poll = Options.ChangePollInterval * 20;
            return _listener ??= new PostgresMemoryListener(
                _dataSource, _sql, poll < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : poll, Options.Logger);
        }
    }

    // After a commit that added history rows: this instance's watchers need not wait for the notification.
    private void FeedCommitted(long? changeId)
    {
        if (changeId is { } latest)
        {
            Volatile.Read(ref _listener)?.Advance(latest);
            NotifyChangesCommitted();
        }
    }

    private async ValueTask StopListeningAsync()
    {
        PostgresMemoryListener? listener;
        lock (_listenerGate)
        {
            listener = _listener;
            _listener = null;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }
}
