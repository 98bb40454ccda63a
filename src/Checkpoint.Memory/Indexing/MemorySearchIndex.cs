using System.Numerics.Tensors;

namespace Checkpoint.Memory;

/// <summary>
/// An in-process search index over a store's items: BM25 over <see cref="KeywordText"/> words and exact
/// cosine over float32 vectors (a flat SIMD scan with <see cref="TensorPrimitives"/>), both limited to a
/// namespace prefix, keeping the best k per signal with a heap. Backends keep one per store instance in
/// sync with their table and fetch only the items it returns, so a search decodes tens of items, not all.
/// </summary>
/// <remarks>
/// <para>BM25 is <see cref="Bm25"/>'s formula with the statistics of every live item in the index (not
/// only those under the prefix), like a full-text engine's. A search inside a namespace holding few
/// items scores just those items (each slot keeps its own term list), so it does not walk the postings
/// of the whole index.</para>
/// <para>Slots are append-only: replacing an item takes a new slot and marks the old one dead; the index
/// compacts when dead slots outnumber live ones. Thread-safe: searches share a reader lock, changes take
/// the writer lock.</para>
/// </remarks>
public sealed partial class MemorySearchIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _gate = new();
    private readonly Dictionary<long, int> _slotOf = [];
    private readonly Dictionary<string, int> _namespaceIds = new(StringComparer.Ordinal);
    private readonly List<string> _namespaceKeys = [];
    private readonly List<List<int>> _namespaceSlots = [];
    private readonly List<int> _namespaceLive = [];
    private readonly KeywordPostings _keywords = new();
    private long[] _ids = [];
    private string[] _keys = [];
    private int[] _namespaceOf = [];
    private bool[] _live = [];
    private bool[] _hasVector = [];
    private float[] _norms = [];
    private float[] _vectors = [];
    private sbyte[] _quantized = [];
    private float[] _scales = [];
    private int _dimensions;
    private int _slotCount;
    private int _liveCount;

    // Moves on every change, so caches built under the reader lock know when they are stale.
    private long _version;
    private volatile CachedNorms? _lengthNorms;

    /// <summary>The number of items in the index.</summary>
    public int Count => Read(() => _liveCount);

    /// <summary>The vector size the index holds (set by the first vector; 0 before).</summary>
    public int Dimensions => Read(() => _dimensions);

    /// <summary>Adds or replaces the item with id <see cref="IndexedMemory.Id"/>.</summary>
    public void Set(IndexedMemory memory) => SetMany([memory]);

    /// <summary>Adds or replaces several items under one lock.</summary>
    public void SetMany(IEnumerable<IndexedMemory> memories) => Update([], memories);

    /// <summary>
    /// Removes <paramref name="removed"/>, then adds or replaces <paramref name="memories"/>, under one
    /// lock, so a search never sees half of it (an id removed and put again stays findable).
    /// </summary>
    public void Update(IEnumerable<long> removed, IEnumerable<IndexedMemory> memories) => Write(clear: false, removed, memories);

    /// <summary>Replaces everything with <paramref name="memories"/> under one lock: a search sees the old or the new index, never an empty one.</summary>
    public void ReplaceAll(IEnumerable<IndexedMemory> memories) => Write(clear: true, [], memories);

    /// <summary>Removes an item; false when the index did not have it.</summary>
    public bool Remove(long id)
    {
        _gate.EnterWriteLock();
        try
        {
            var removed = RemoveLocked(id);
            CompactIfSparseLocked();
            return removed;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Forgets every item.</summary>
    public void Clear()
    {
        _gate.EnterWriteLock();
        try
        {
            ClearLocked();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private void Write(bool clear, IEnumerable<long> removed, IEnumerable<IndexedMemory> memories)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(memories);
        _gate.EnterWriteLock();
        try
        {
            if (clear)
            {
                ClearLocked();
            }

            foreach (var id in removed)
            {
                _ = RemoveLocked(id);
            }

            foreach (var memory in memories)
            {
                var (terms, length) = KeywordPostings.Count(memory.KeywordText);
                _ = RemoveLocked(memory.Id);
                AddLocked(memory.Id, memory.NamespaceKey, memory.Key, terms, length, memory.Vector is { } v ? v.Span : default, memory.Vector is not null);
            }

            CompactIfSparseLocked();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    private T Read<T>(Func<T> read)
    {
        _gate.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    private void AddLocked(long id, string namespaceKey, string key, IReadOnlyList<(string Term, int Frequency)> terms, int length, ReadOnlySpan<float> vector, bool hasVector)
    {
        if (hasVector && _dimensions == 0 && vector.Length > 0)
        {
            _dimensions = vector.Length;
            _vectors = new float[_ids.Length * _dimensions];
            _quantized = new sbyte[_ids.Length * _dimensions];
        }

        var slot = _slotCount++;
        EnsureCapacity(_slotCount);
        if (!_namespaceIds.TryGetValue(namespaceKey, out var ns))
        {
            ns = _namespaceKeys.Count;
            _namespaceIds[namespaceKey] = ns;
            _namespaceKeys.Add(namespaceKey);
            _namespaceSlots.Add([]);
            _namespaceLive.Add(0);
        }

        _ids[slot] = id;
        _keys[slot] = key;
        _namespaceOf[slot] = ns;
        _live[slot] = true;
        _namespaceSlots[ns].Add(slot);
        _namespaceLive[ns]++;
        _keywords.Add(slot, terms, length);

        // A vector of another size than the index's cannot be compared with a query: the item is kept without it.
        _hasVector[slot] = hasVector && vector.Length == _dimensions && _dimensions > 0;
        if (_hasVector[slot])
        {
            vector.CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
            _norms[slot] = TensorPrimitives.Norm(vector);
            _scales[slot] = Int8Vectors.Quantize(vector, _quantized.AsSpan(slot * _dimensions, _dimensions));
        }

        _slotOf[id] = slot;
        _liveCount++;
        _version++;
    }

    private bool RemoveLocked(long id)
    {
        if (!_slotOf.Remove(id, out var slot))
        {
            return false;
        }

        _live[slot] = false;
        _namespaceLive[_namespaceOf[slot]]--;
        _keywords.Remove(slot);
        _liveCount--;
        _version++;
        return true;
    }

    // Replaced and removed items leave dead slots behind; rebuild once they outnumber the live ones.
    private void CompactIfSparseLocked()
    {
        var dead = _slotCount - _liveCount;
        if (dead < 1024 || dead <= _liveCount)
        {
            return;
        }

        var live = new List<(long Id, string Namespace, string Key, List<(string, int)> Terms, int Length, float[]? Vector)>(_liveCount);
        for (var slot = 0; slot < _slotCount; slot++)
        {
            if (_live[slot])
            {
                live.Add((_ids[slot], _namespaceKeys[_namespaceOf[slot]], _keys[slot], _keywords.TermsOf(slot), _keywords.LengthOf(slot),
                    _hasVector[slot] ? _vectors.AsSpan(slot * _dimensions, _dimensions).ToArray() : null));
            }
        }

        ClearLocked();
        foreach (var (id, ns, key, terms, length, vector) in live)
        {
            AddLocked(id, ns, key, terms, length, vector, vector is not null);
        }
    }

    private void ClearLocked()
    {
        _slotOf.Clear();
        _namespaceIds.Clear();
        _namespaceKeys.Clear();
        _namespaceSlots.Clear();
        _namespaceLive.Clear();
        _keywords.Clear();
        (_ids, _keys, _namespaceOf, _live, _hasVector, _norms, _vectors, _quantized, _scales) = ([], [], [], [], [], [], [], [], []);
        _dimensions = 0;
        _slotCount = 0;
        _liveCount = 0;
        _version++;
    }

    private void EnsureCapacity(int slots)
    {
        if (slots <= _ids.Length)
        {
            return;
        }

        var capacity = Math.Max(64, Math.Max(slots, _ids.Length * 2));
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _keys, capacity);
        Array.Resize(ref _namespaceOf, capacity);
        Array.Resize(ref _live, capacity);
        Array.Resize(ref _hasVector, capacity);
        Array.Resize(ref _norms, capacity);
        Array.Resize(ref _vectors, capacity * _dimensions);
        Array.Resize(ref _quantized, capacity * _dimensions);
        Array.Resize(ref _scales, capacity);
    }
}
