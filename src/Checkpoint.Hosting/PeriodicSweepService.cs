using Microsoft.Extensions.Hosting;

namespace Checkpoint.Hosting;

/// <summary>
/// The loop the sweep services share: one sweep when the host starts (if asked), then one per interval on the
/// given <see cref="TimeProvider"/>, until the host stops (which cancels a running sweep). The interval starts
/// in <see cref="StartAsync"/>, before the loop runs in the background, so time that passes once the host has
/// started always counts and a tick during a sweep is kept.
/// </summary>
public abstract class PeriodicSweepService : BackgroundService
{
    private readonly TimeSpan _interval;
    private readonly bool _sweepOnStart;
    private PeriodicTimer? _timer;

    /// <summary>A loop sweeping every <paramref name="interval"/> on <paramref name="timeProvider"/>.</summary>
    protected PeriodicSweepService(TimeSpan interval, bool sweepOnStart, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _interval = interval;
        _sweepOnStart = sweepOnStart;
        Clock = timeProvider;
    }

    /// <summary>The clock of the interval (the host's <see cref="TimeProvider"/>).</summary>
    protected TimeProvider Clock { get; }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = new PeriodicTimer(_interval, Clock);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One sweep; it logs its own failures (the loop goes on to the next interval).</summary>
    protected abstract Task SweepOnceAsync(CancellationToken stoppingToken);

    /// <inheritdoc />
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync creates the timer.");
        if (_sweepOnStart)
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
}
