using Checkpoint.Storage;
using Microsoft.Extensions.Hosting;
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
public sealed class RetentionSweepService : BackgroundService
{
    private readonly CheckpointSaver _saver;
    private readonly RetentionSweepOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private PeriodicTimer? _timer;

    /// <summary>Creates the service (the host does, through <see cref="RetentionServiceCollectionExtensions.AddCheckpointRetention"/>).</summary>
    public RetentionSweepService(
        CheckpointSaver saver, IOptions<RetentionSweepOptions> options, TimeProvider? timeProvider = null,
        ILogger<RetentionSweepService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(saver);
        ArgumentNullException.ThrowIfNull(options);
        _saver = saver;
        _options = options.Value; // validated by the options system on first access
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The summary of the last sweep that ran to its end, or null.</summary>
    public RetentionSweepSummary? LastSummary { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// The interval starts here, before <see cref="BackgroundService"/> runs the loop in the background, so
    /// time that passes once the host has started always counts (and a tick during a sweep is kept).
    /// </remarks>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = new PeriodicTimer(_options.Interval, _timeProvider);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync creates the timer.");
        if (_options.SweepOnStart)
        {
            await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task SweepOnceAsync(CancellationToken stoppingToken)
    {
        RetentionSweepSummary summary;
        try
        {
            summary = await _saver.SweepAsync(_options.Policy!, progress: null, _timeProvider, stoppingToken).ConfigureAwait(false);
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
