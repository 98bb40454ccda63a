using Checkpoint.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>
/// Deletes the expired threads of the registered <see cref="CheckpointSaver"/>
/// (<see cref="CheckpointSaver.PurgeExpiredThreadsAsync"/>; see <see cref="CheckpointSaver.ThreadTimeToLive"/>) on start
/// and every <see cref="ThreadExpirySweepOptions.Interval"/> after, on the registered <see cref="TimeProvider"/>. A failed
/// sweep is logged and the next interval tries again; stopping the host cancels a running sweep.
/// </summary>
public sealed class ThreadExpirySweepService : PeriodicSweepService
{
    private readonly CheckpointSaver _saver;
    private readonly ThreadExpirySweepOptions _options;
    private readonly ILogger _logger;
    private bool _warnedNoTimeToLive;

    /// <summary>Creates the service (the host does, through <see cref="ThreadExpiryServiceCollectionExtensions.AddCheckpointThreadExpiry"/>).</summary>
    public ThreadExpirySweepService(
        CheckpointSaver saver, IOptions<ThreadExpirySweepOptions> options, TimeProvider? timeProvider = null,
        ILogger<ThreadExpirySweepService>? logger = null)
        : base(options?.Value.Interval ?? throw new ArgumentNullException(nameof(options)), options.Value.SweepOnStart, timeProvider ?? TimeProvider.System)
    {
        ArgumentNullException.ThrowIfNull(saver);
        ArgumentNullException.ThrowIfNull(options);
        _saver = saver;
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The summary of the last sweep that ran to its end, or null.</summary>
    public ThreadExpirySweepSummary? LastSummary { get; private set; }

    /// <inheritdoc />
    protected override async Task SweepOnceAsync(CancellationToken stoppingToken)
    {
        if (_saver.ThreadTimeToLive is null && !_warnedNoTimeToLive)
        {
            // Most likely a configuration slip: the sweep runs but can never remove anything.
            _warnedNoTimeToLive = true;
            HostingLog.NoThreadTimeToLive(_logger, _saver.GetType().Name);
        }

        var started = Clock.GetTimestamp();
        ThreadExpirySweepSummary summary;
        try
        {
            var purged = await _saver.PurgeExpiredThreadsAsync(stoppingToken).ConfigureAwait(false);
            summary = new ThreadExpirySweepSummary(purged, Clock.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            HostingLog.ThreadExpirySweepFailed(_logger, exception);
            return;
        }

        LastSummary = summary;
        HostingLog.ThreadExpirySweepCompleted(_logger, summary.ThreadsPurged, (long)summary.Elapsed.TotalMilliseconds);
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
