using System.Collections.Concurrent;

namespace Checkpoint.Storage;

/// <summary>
/// A node cache in process memory, bounded: past <see cref="Capacity"/> entries the oldest written go first. Expiry
/// follows its <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
public sealed class InMemoryNodeCache : INodeCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> entries on <paramref name="timeProvider"/> (the system clock by default).</summary>
    public InMemoryNodeCache(int capacity = 10_000, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now (expired ones included until read or pushed out).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_entries.TryGetValue(key, out var entry))
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        if (entry.ExpiresAt <= _time.GetUtcNow())
        {
            _ = _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return ValueTask.FromResult<byte[]?>(null);
        }

        return ValueTask.FromResult<byte[]?>(entry.Value);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, byte[] value, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _entries[key] = new Entry(value, timeToLive is { } ttl ? _time.GetUtcNow() + ttl : null);
        _order.Enqueue(key);
        while (_entries.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _ = _entries.TryRemove(oldest, out _);
        }

        return ValueTask.CompletedTask;
    }

    private sealed record Entry(byte[] Value, DateTimeOffset? ExpiresAt);
}
