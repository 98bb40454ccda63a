namespace Checkpoint.Memory;

/// <summary>
/// A <see cref="MemoryBlock"/> that stays current for a long-running agent: it watches the store under the request's
/// namespace (<see cref="MemoryStore.WatchAsync"/>) and <see cref="GetAsync"/> rebuilds the block only after a change
/// there (by this agent or any other, in any process on the same storage), an erasure, a gap, or a new query; otherwise
/// it returns the block it built last without searching. <see cref="ChangedKeys"/> says which items changed since the
/// last build, so an agent can tell which facts it used were corrected.
/// </summary>
public sealed class LiveMemoryBlock : IAsyncDisposable
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private readonly MemoryStore _store;
    private readonly MemoryBlockRequest _request;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<MemoryKey, long> _changed = []; // key -> its latest change id
    private readonly Task _watching;
    private MemoryBlock? _block;
    private string? _blockQuery;
    private long _builtAt;
    private long _seen;

    private LiveMemoryBlock(MemoryStore store, MemoryBlockRequest request, long start)
    {
        _store = store;
        _request = request;
        _seen = start;
        _watching = Task.Run(WatchAsync);
    }

    /// <summary>How many times the block was built (searched for).</summary>
    public int Builds { get; private set; }

    /// <summary>The last error of the watch (the watch restarts a second later from where it stopped; until it delivers again, every <see cref="GetAsync"/> rebuilds); null when none.</summary>
    public Exception? WatchError { get; private set; }

    /// <summary>The items that changed under the namespace since the block was last built (removals included).</summary>
    public IReadOnlyCollection<MemoryKey> ChangedKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _changed.Keys];
            }
        }
    }

    /// <summary>True when the next <see cref="GetAsync"/> with the same query rebuilds the block.</summary>
    public bool IsStale
    {
        get
        {
            lock (_gate)
            {
                return Stale;
            }
        }
    }

    /// <summary>Starts watching <paramref name="store"/> for <paramref name="request"/>; the first <see cref="GetAsync"/> builds the block.</summary>
    public static async Task<LiveMemoryBlock> StartAsync(MemoryStore store, MemoryBlockRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Namespace, nameof(request));
        var start = await store.GetLatestChangeIdAsync(cancellationToken).ConfigureAwait(false);
        return new LiveMemoryBlock(store, request, start);
    }

    /// <summary>
    /// The block for <paramref name="query"/> (the request's query when null): the last one built when nothing changed
    /// under the namespace since and the query is the same, else a fresh one.
    /// </summary>
    public async Task<MemoryBlock> GetAsync(string? query = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        query ??= _request.Query;
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (!Stale && string.Equals(query, _blockQuery, StringComparison.Ordinal))
                {
                    return _block!;
                }
            }

            // Changes the watch delivers later with ids up to this one are already in the block: they do not make it stale.
            var latest = await _store.GetLatestChangeIdAsync(cancellationToken).ConfigureAwait(false);
            var block = await MemoryBlock.BuildAsync(_store, _request with { Query = query }, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _block = block;
                _blockQuery = query;
                _builtAt = latest;
                foreach (var (key, changeId) in _changed.ToList())
                {
                    if (changeId <= latest)
                    {
                        _ = _changed.Remove(key);
                    }
                }

                Builds++;
            }

            return block;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the stop asked for
        }

        _stop.Dispose();
        _building.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _store.WatchAsync(_request.Namespace, Volatile.Read(ref _seen), _stop.Token).ConfigureAwait(false))
                {
                    Observe(change);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                MarkFailed(new ObjectDisposedException(_store.GetType().Name, "The memory store was disposed: the block can no longer be rebuilt."));
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                MarkFailed(ex);
                await Task.Delay(RestartDelay, _stop.Token).ConfigureAwait(false);
            }
        }
    }

    private void Observe(MemoryEvent change)
    {
        lock (_gate)
        {
            _seen = Math.Max(_seen, change.ChangeId);
            WatchError = null;
            if (change.ChangeId <= _builtAt)
            {
                return; // already in the block
            }

            if (change is { Kind: MemoryEventKind.Changed, Namespace: { } ns, Key: { } key })
            {
                _changed[new MemoryKey(ns, key)] = change.ChangeId;
            }
        }
    }

    private void MarkFailed(Exception error)
    {
        lock (_gate)
        {
            WatchError = error;
        }
    }

    // Under the gate. A change the watch saw after the latest id read before the build may be missing from the block.
    private bool Stale => _block is null || WatchError is not null || _seen > _builtAt;
}
