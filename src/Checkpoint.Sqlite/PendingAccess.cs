using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// Accesses a store recorded but has not written yet: per item, how many and the latest time. A search
/// then costs no write transaction; the store writes them in one transaction a flush interval later
/// (and when it is disposed), and overlays them on what it reads meanwhile, so its own reads agree.
/// </summary>
internal sealed class PendingAccess
{
    private readonly Lock _gate = new();
    private Dictionary<MemoryKey, (long Count, DateTimeOffset Last)> _pending = [];

    /// <summary>True when nothing waits to be written.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0;
            }
        }
    }

    /// <summary>Counts one access of each key at <paramref name="now"/>; true when the set was empty before (the caller schedules a flush).</summary>
    public bool Add(IEnumerable<MemoryKey> keys, DateTimeOffset now)
    {
        lock (_gate)
        {
            var wasEmpty = _pending.Count == 0;
            foreach (var key in keys)
            {
                var (count, last) = _pending.GetValueOrDefault(key);
                _pending[key] = (count + 1, last > now ? last : now);
            }

            return wasEmpty && _pending.Count > 0;
        }
    }

    /// <summary>Drops what waits for <paramref name="key"/> (the item was deleted, or created anew).</summary>
    public void Forget(MemoryKey key)
    {
        lock (_gate)
        {
            _ = _pending.Remove(key);
        }
    }

    /// <summary>Takes everything pending (to write it); <see cref="Restore"/> puts it back if the write fails.</summary>
    public Dictionary<MemoryKey, (long Count, DateTimeOffset Last)> Take()
    {
        lock (_gate)
        {
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back accesses a failed write took, merged with any recorded since.</summary>
    public void Restore(Dictionary<MemoryKey, (long Count, DateTimeOffset Last)> taken)
    {
        lock (_gate)
        {
            foreach (var (key, (count, last)) in taken)
            {
                var (pendingCount, pendingLast) = _pending.GetValueOrDefault(key);
                _pending[key] = (pendingCount + count, pendingLast > last ? pendingLast : last);
            }
        }
    }

    /// <summary>The item with its pending accesses added.</summary>
    public MemoryItem Overlay(MemoryItem item)
    {
        lock (_gate)
        {
            if (_pending.Count == 0 || !_pending.TryGetValue(new MemoryKey(item.Namespace, item.Key), out var pending))
            {
                return item;
            }

            return item with
            {
                AccessCount = item.AccessCount + pending.Count,
                LastAccessedAt = pending.Last > item.LastAccessedAt ? pending.Last : item.LastAccessedAt,
            };
        }
    }
}
