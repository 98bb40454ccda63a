using System.Threading.Channels;
using Checkpoint.Memory;

namespace Checkpoint.Conformance.Memory;

/// <summary>
/// Runs <see cref="MemoryStore.WatchAsync"/> in the background and lets a test wait for the events it expects. Disposing
/// it cancels the watch; <see cref="Ended"/> reports how the enumeration ended.
/// </summary>
public sealed class FeedWatcher : IAsyncDisposable
{
    /// <summary>How long a test waits for an event before failing.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Channel<MemoryEvent> _events = Channel.CreateUnbounded<MemoryEvent>();
    private readonly CancellationTokenSource _stop = new();

    private FeedWatcher(MemoryStore store, MemoryNamespace prefix, long? after)
    {
        Ended = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in store.WatchAsync(prefix, after, _stop.Token))
                {
                    await _events.Writer.WriteAsync(change);
                }
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    /// <summary>The watch: faults with the exception that ended it (cancellation after <see cref="DisposeAsync"/>).</summary>
    public Task Ended { get; }

    /// <summary>
    /// Starts watching <paramref name="prefix"/> after <paramref name="after"/> and, when that is null, waits until the watch
    /// has read its starting position, so writes made after this returns are in its feed.
    /// </summary>
    public static async Task<FeedWatcher> StartAsync(MemoryStore store, MemoryNamespace prefix, long? after = null) =>
        new(store, prefix, after ?? await store.GetLatestChangeIdAsync());

    /// <summary>The next <paramref name="count"/> events; fails after <see cref="Patience"/>.</summary>
    public async Task<List<MemoryEvent>> NextAsync(int count = 1)
    {
        var received = new List<MemoryEvent>();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (received.Count < count)
            {
                received.Add(await _events.Reader.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {count} events, got {received.Count}: [{string.Join(", ", received)}].");
        }

        return received;
    }

    /// <summary>Events that arrive within <paramref name="wait"/> (to show that nothing more comes).</summary>
    public async Task<List<MemoryEvent>> DrainAsync(TimeSpan wait)
    {
        var received = new List<MemoryEvent>();
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                received.Add(await _events.Reader.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException)
        {
            return received;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Ended;
        }
        catch (OperationCanceledException)
        {
            // the end asked for
        }
        catch (ObjectDisposedException)
        {
            // the store was disposed first
        }

        _stop.Dispose();
    }
}
