using Checkpoint.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>
/// Keeps the registered <see cref="MemoryStore"/> tidy on an interval (on the registered
/// <see cref="TimeProvider"/>): removes expired items (<see cref="MemoryStore.PurgeExpiredAsync"/>; they are
/// already invisible to reads) and brings every capacity group within its limit
/// (<see cref="MemoryStore.EnforceCapacityAsync"/>). A failed sweep is logged and the next interval tries again.
/// </summary>
public sealed class MemorySweepService : PeriodicSweepService
{
    private readonly MemoryStore _store;
    private readonly MemorySweepOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the service (the host does, through <see cref="MemorySweepServiceCollectionExtensions.AddMemorySweeper"/>).</summary>
    public MemorySweepService(
        MemoryStore store, IOptions<MemorySweepOptions> options, TimeProvider? timeProvider = null, ILogger<MemorySweepService>? logger = null)
        : base(options?.Value.Interval ?? throw new ArgumentNullException(nameof(options)), options.Value.SweepOnStart, timeProvider ?? TimeProvider.System)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The summary of the last sweep that ran to its end, or null.</summary>
    public MemorySweepSummary? LastSummary { get; private set; }

    /// <inheritdoc />
    protected override async Task SweepOnceAsync(CancellationToken stoppingToken)
    {
        var started = Clock.GetTimestamp();
        MemorySweepSummary summary;
        try
        {
            var expired = await _store.PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
            var evicted = await _store.EnforceCapacityAsync(stoppingToken).ConfigureAwait(false);
            summary = new MemorySweepSummary(expired, evicted, Clock.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            HostingLog.MemorySweepFailed(_logger, exception);
            return;
        }

        LastSummary = summary;
        HostingLog.MemorySweepCompleted(_logger, summary.Expired.Count, summary.Evicted.Count, (long)summary.Elapsed.TotalMilliseconds);
        if (_options.OnSweepCompleted is { } callback)
        {
            try
            {
                await callback(summary, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                HostingLog.CallbackFailed(_logger, exception);
            }
        }
    }
}
