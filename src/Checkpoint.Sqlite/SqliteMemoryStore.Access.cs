using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// Access counters: recorded in memory by searches and written together every
/// <see cref="SqliteMemoryStoreOptions.AccessFlushInterval"/> (see <see cref="PendingAccess"/>), or at once
/// when the interval is zero.
/// </summary>
public sealed partial class SqliteMemoryStore
{
    private readonly PendingAccess _pendingAccess = new();
    private readonly Lock _flushTimerGate = new();
    private ITimer? _flushTimer;

    /// <inheritdoc />
    protected override Task RecordAccessCoreAsync(IReadOnlyList<MemoryKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_sqlite.AccessFlushInterval <= TimeSpan.Zero)
        {
            return WriteAccessAsync(keys.ToDictionary(key => key, _ => (1L, now)), cancellationToken);
        }

        if (_pendingAccess.Add(keys, now))
        {
            ScheduleFlush();
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes every pending access now (the flush timer and dispose call this; tests too).</summary>
    internal async Task FlushAccessAsync(CancellationToken cancellationToken = default)
    {
        var taken = _pendingAccess.Take();
        if (taken.Count == 0)
        {
            return;
        }

        try
        {
            await WriteAccessAsync(taken, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not lost: the next flush (or dispose) tries again.
            _pendingAccess.Restore(taken);
            throw;
        }
    }

    private void ScheduleFlush()
    {
        lock (_flushTimerGate)
        {
            if (IsDisposed)
            {
                return;
            }

            _flushTimer ??= Options.TimeProvider.CreateTimer(_ => _ = FlushFromTimerAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _ = _flushTimer.Change(_sqlite.AccessFlushInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FlushFromTimerAsync()
    {
        try
        {
            await FlushAccessAsync().ConfigureAwait(false);
        }
        catch (Exception) when (!IsDisposed)
        {
            // Kept pending by FlushAccessAsync; try again after another interval.
            ScheduleFlush();
        }
        catch (Exception)
        {
            // Disposed meanwhile: DisposeAsync flushes what is left.
        }
    }

    /// <summary>Stops the timer and writes what is pending, before the connections close.</summary>
    private async Task StopAccessFlushingAsync()
    {
        lock (_flushTimerGate)
        {
            _flushTimer?.Dispose();
            _flushTimer = null;
        }

        if (_initialized && !_pendingAccess.IsEmpty)
        {
            await FlushAccessAsync().ConfigureAwait(false);
        }
    }

    // Bypasses RunAsync's disposed check: DisposeAsync flushes after marking the store disposed.
    private async Task WriteAccessAsync(IReadOnlyDictionary<MemoryKey, (long Count, DateTimeOffset Last)> accesses, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        _ = await SqliteRetries.InTransactionAsync(_pool, RentAsync, _sqlite.MaxAttempts, TimeProvider.System, write: true, session =>
        {
            // Only the counter columns change (they win over the body's copies on read): no body is decoded or re-encoded.
            foreach (var (key, (count, last)) in accesses)
            {
                _ = session.Execute(_sql.RecordAccess,
                    ("$accessed", last.UtcTicks), ("$count", count), ("$ns", key.Namespace.StorageKey), ("$key", key.Key));
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }
}
