namespace Checkpoint.Storage;

/// <summary>
/// The unwrapped content of chunks a saver has read (after checksum, decompression and decryption),
/// shared by every snapshot read on that saver and bounded by bytes with least-recently-used eviction.
/// An entry holds the chunks of one blob that a run was read for: from the one holding its first item
/// (sequence 0 unless a compaction dropped a prefix) up to its end.
/// Safe because chunks are immutable: (thread, namespace, blob id, sequence) is written once and
/// never rewritten, and the saver drops a thread's entries when it deletes, prunes or copies into it.
/// </summary>
internal sealed class ChunkContentCache(long capacityBytes)
{
    // Per-entry and per-chunk bookkeeping, counted so that many tiny chunks cannot exceed the bound.
    private const int EntryOverheadBytes = 128;
    private const int ChunkOverheadBytes = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<ChunkBlobKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = []; // most recently used first
    private long _bytes;

    /// <summary>The bound in bytes; 0 disables the cache.</summary>
    public long CapacityBytes => capacityBytes;

    /// <summary>The bytes held now (payloads, estimated decoded items and bookkeeping).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// The chunks of <paramref name="key"/> that hold the items <paramref name="start"/> to
    /// <paramref name="end"/>, in sequence order, when an entry covers that range; null otherwise.
    /// </summary>
    public IReadOnlyList<CachedChunk>? TryGetRun(ChunkBlobKey key, int end, int start = 0) =>
        TryGetEntry(key, start, end) is { } entry ? Covering(entry.Chunks, start, end) : null;

    /// <summary>
    /// The whole entry of <paramref name="key"/> (its end and chunks) when it covers the items
    /// <paramref name="start"/> to <paramref name="end"/>; null otherwise. Marks the entry as recently used.
    /// </summary>
    public (int End, CachedChunk[] Chunks)? TryGetEntry(ChunkBlobKey key, int start, int end)
    {
        if (capacityBytes == 0)
        {
            return null;
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node) || !node.Value.Covers(start, end))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return (node.Value.End, node.Value.Chunks);
        }
    }

    /// <summary>
    /// The chunks (in sequence order) that hold the items <paramref name="start"/> to <paramref name="end"/>:
    /// from the last one starting at or before <paramref name="start"/> to the last one starting before <paramref name="end"/>.
    /// </summary>
    public static IReadOnlyList<CachedChunk> Covering(CachedChunk[] chunks, int start, int end)
    {
        var first = Math.Max(0, FirstAtOrPast(chunks, start + 1) - 1);
        var last = FirstAtOrPast(chunks, end);
        return first == 0 && last == chunks.Length ? chunks : new ArraySegment<CachedChunk>(chunks, first, Math.Max(0, last - first));
    }

    private static int FirstAtOrPast(CachedChunk[] chunks, int sequence)
    {
        // Binary search for the first chunk whose sequence is at or past the given one.
        int low = 0, high = chunks.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (chunks[middle].Sequence < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The chunks held for a blob (any length), to reuse their content when a longer run is read.</summary>
    public IReadOnlyList<CachedChunk> Held(ChunkBlobKey key)
    {
        if (capacityBytes == 0)
        {
            return [];
        }

        lock (_gate)
        {
            return _entries.TryGetValue(key, out var node) ? node.Value.Chunks : [];
        }
    }

    /// <summary>
    /// Keeps <paramref name="chunks"/> (every chunk of the blob below <paramref name="end"/>, in order)
    /// unless a longer run of the blob is already held; evicts the least recently used entries to stay
    /// within the bound. An entry larger than the whole bound is not kept.
    /// </summary>
    public void Add(ChunkBlobKey key, int end, CachedChunk[] chunks)
    {
        var size = EntryOverheadBytes + chunks.Sum(c => c.SizeBytes + ChunkOverheadBytes);
        if (capacityBytes == 0 || size > capacityBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.Value.Covers(chunks.Length > 0 ? chunks[0].Sequence : end, end))
                {
                    return;
                }

                Remove(existing);
            }

            var node = _recency.AddFirst(new Entry(key, end, chunks, size));
            _entries[key] = node;
            _bytes += size;
            while (_bytes > capacityBytes && _recency.Last is { } oldest)
            {
                Remove(oldest);
            }
        }
    }

    /// <summary>
    /// The longest list value assembled from the blob's cached chunks for items of
    /// <paramref name="itemType"/>, when it holds at least <paramref name="end"/> items; null otherwise.
    /// </summary>
    public object? TryGetAssembled(ChunkBlobKey key, Type itemType, int end)
    {
        if (capacityBytes == 0)
        {
            return null;
        }

        lock (_gate)
        {
            return _entries.TryGetValue(key, out var node) && node.Value.Assembled is { } assembled
                && assembled.ItemType == itemType && assembled.Count >= end
                ? assembled.Value
                : null;
        }
    }

    /// <summary>
    /// Keeps a list value assembled from the blob's chunks (an immutable list of immutable items, so
    /// every read may share it as a prefix view) when the blob has an entry and no longer value is held.
    /// </summary>
    public void RememberAssembled(ChunkBlobKey key, Type itemType, object value, int count)
    {
        if (capacityBytes == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node) || node.Value.From != 0 || node.Value.End < count
                || (node.Value.Assembled is { } held && held.ItemType == itemType && held.Count >= count))
            {
                return;
            }

            // Counted as the list's references; the items themselves are the entry's decoded items.
            var size = (long)IntPtr.Size * count;
            _bytes += size - (node.Value.Assembled?.SizeBytes ?? 0);
            node.Value.Assembled = new AssembledList(itemType, value, count, size);
            while (_bytes > capacityBytes && _recency.Last is { } oldest && oldest != node)
            {
                Remove(oldest);
            }
        }
    }

    /// <summary>Drops every entry of a thread (after it is deleted, pruned, or copied into).</summary>
    public void RemoveThread(string threadId) => RemoveThreads(thread => string.Equals(thread, threadId, StringComparison.Ordinal));

    /// <summary>Drops every entry of the threads <paramref name="matches"/> selects (after they expired and were purged).</summary>
    public void RemoveThreads(Func<string, bool> matches)
    {
        if (capacityBytes == 0)
        {
            return;
        }

        lock (_gate)
        {
            // A linear scan: maintenance is rare next to reads, and entries are few thousand at most.
            for (var node = _recency.First; node is not null;)
            {
                var next = node.Next;
                if (matches(node.Value.Key.ThreadId))
                {
                    Remove(node);
                }

                node = next;
            }
        }
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.SizeBytes + (node.Value.Assembled?.SizeBytes ?? 0);
    }

    private sealed record Entry(ChunkBlobKey Key, int End, CachedChunk[] Chunks, long SizeBytes)
    {
        /// <summary>The first item the entry holds: a run read for a compacted value starts past 0.</summary>
        public int From => Chunks.Length > 0 ? Chunks[0].Sequence : End;

        public bool Covers(int start, int end) => From <= start && End >= end;

        /// <summary>The longest list value assembled from these chunks, if any (guarded by the cache's lock).</summary>
        public AssembledList? Assembled { get; set; }
    }

    private sealed record AssembledList(Type ItemType, object Value, int Count, long SizeBytes);
}
