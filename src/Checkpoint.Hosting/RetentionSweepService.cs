using Checkpoint.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Checkpoint.Hosting;

/// <summary>
/// Applies <see cref="RetentionSweepOptions.Policy"/> to every thread of the registered
/// <see cref="CheckpointSaver"/> (<see cref="CheckpointSaver.SweepAsync"/>) on start and every
/// <see cref="RetentionSweepOptions.Interval"/> after, on the registered <see cref="TimeProvider"/>. A failed
/// sweep is logged and the service waits for the next tick; stopping the host cancels a running sweep.
/// </summary>
public sealed class RetentionSweepService : PeriodicSweepService
{
    private readonly CheckpointSaver _saver;
    private readonly RetentionSweepOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the service (the host does, through <see cref="RetentionServiceCollectionExtensions.AddCheckpointRetention"/>).</summary>
    public RetentionSweepService(
        CheckpointSaver saver, IOptions<RetentionSweepOptions> options, TimeProvider? timeProvider = null,
        ILogger<RetentionSweepService>? logger = null)
        : base(options?.Value.Interval ?? throw new ArgumentNullException(nameof(options)), options.Value.SweepOnStart, timeProvider ?? TimeProvider.System)
    {
        ArgumentNullException.ThrowIfNull(saver);
        ArgumentNullException.ThrowIfNull(options);
        _saver = saver;
        _options = options.Value; // validated by the options system on first access
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The summary of the last sweep that ran to its end, or null.</summary>
    public RetentionSweepSummary? LastSummary { get; private set; }

    /// <inheritdoc />
    protected override async Task SweepOnceAsync(CancellationToken stoppingToken)
    {
        RetentionSweepSummary summary;
        try
        {
            summary = await _saver.SweepAsync(_options.Policy!, progress: null, Clock, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            HostingLog.SweepFailed(_logger, exception);
            return;
        }

        LastSummary = summary;
        foreach (var failure in summary.Failures)
        {
            HostingLog.ThreadFailed(_logger, failure.Exception, failure.ThreadId);
        }

        HostingLog.SweepCompleted(
            _logger, summary.Threads, summary.ThreadsPruned, summary.CheckpointsDeleted, summary.ThreadsFailed, (long)summary.Elapsed.TotalMilliseconds);
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
