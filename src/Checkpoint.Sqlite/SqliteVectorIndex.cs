using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Checkpoint.Sqlite;

/// <summary>
/// The vectors of one store's table, in process memory: one contiguous float array scanned in full
/// with <see cref="TensorPrimitives"/> (flat and exact; HNSW or int8 can come later, with measurements).
/// The index is tagged with the value of the table's write counter (<c>memory_state.changes</c>) it
/// reflects: a write by this store moves it forward in place when the index was current before the
/// write; any other change (another store instance or process) leaves the tag behind, and the next
/// search reloads the vectors in its own read transaction. The counter is used rather than
/// <c>PRAGMA data_version</c> because that pragma is per connection, and a pool has several.
/// </summary>
internal sealed class SqliteVectorIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _slots = [];
    private long _changes = -1;
    private int _dimensions;
    private float[] _vectors = [];
    private float[] _norms = [];
    private long[] _ids = [];
    private string[] _namespaces = [];
    private int _count;

    /// <summary>True when the index reflects the table at write counter <paramref name="changes"/>.</summary>
    public bool IsAt(long changes)
    {
        lock (_gate)
        {
            return _changes == changes;
        }
    }

    /// <summary>Replaces the index with <paramref name="rows"/>, read at write counter <paramref name="changes"/>.</summary>
    public void Load(long changes, IEnumerable<(long Id, string Namespace, byte[] Vector)> rows)
    {
        lock (_gate)
        {
            _slots.Clear();
            _count = 0;
            _dimensions = 0;
            (_vectors, _norms, _ids, _namespaces) = ([], [], [], []);
            foreach (var (id, ns, vector) in rows)
            {
                SetLocked(id, ns, MemoryMarshal.Cast<byte, float>(vector));
            }

            _changes = changes;
        }
    }

    /// <summary>
    /// Applies this store's own committed write (counter <paramref name="before"/> → <paramref name="after"/>):
    /// in place when the index was current, else the index stays stale and is reloaded by the next search.
    /// </summary>
    public void Apply(long before, long after, IReadOnlyList<(long Id, string Namespace, ReadOnlyMemory<float>? Vector)> changes)
    {
        lock (_gate)
        {
            if (_changes != before)
            {
                return;
            }

            foreach (var (id, ns, vector) in changes)
            {
                if (vector is { } v && (_dimensions == 0 || v.Length == _dimensions))
                {
                    SetLocked(id, ns, v.Span);
                }
                else if (vector is null)
                {
                    RemoveLocked(id);
                }
                else
                {
                    // A vector of another size than the index's: let the next search reload.
                    _changes = -1;
                    return;
                }
            }

            _changes = after;
        }
    }

    /// <summary>The cosine of <paramref name="query"/> with the vector of item <paramref name="id"/>; null when it has none.</summary>
    public double? Similarity(long id, ReadOnlySpan<float> query)
    {
        lock (_gate)
        {
            return _slots.TryGetValue(id, out var slot) && query.Length == _dimensions ? CosineLocked(slot, query, TensorPrimitives.Norm(query)) : null;
        }
    }

    /// <summary>Every item with a vector whose namespace storage key starts with <paramref name="prefix"/> (label-wise, as storage keys end with '/'), best cosine first.</summary>
    public List<(long Id, double Similarity)> Rank(string prefix, ReadOnlySpan<float> query)
    {
        var ranked = new List<(long Id, double Similarity)>();
        lock (_gate)
        {
            if (query.Length != _dimensions)
            {
                return ranked;
            }

            var queryNorm = TensorPrimitives.Norm(query);
            for (var slot = 0; slot < _count; slot++)
            {
                if (_namespaces[slot].StartsWith(prefix, StringComparison.Ordinal))
                {
                    ranked.Add((_ids[slot], CosineLocked(slot, query, queryNorm)));
                }
            }
        }

        ranked.Sort(static (a, b) => b.Similarity.CompareTo(a.Similarity) is var c && c != 0 ? c : a.Id.CompareTo(b.Id));
        return ranked;
    }

    /// <summary>Forgets everything: the next search reloads.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _changes = -1;
        }
    }

    // Same formula as VectorMath.Cosine, with the row norms kept from insertion.
    private double CosineLocked(int slot, ReadOnlySpan<float> query, float queryNorm)
    {
        var norms = _norms[slot] * queryNorm;
        return norms == 0 ? 0 : Math.Clamp(TensorPrimitives.Dot(_vectors.AsSpan(slot * _dimensions, _dimensions), query) / norms, -1, 1);
    }

    private void SetLocked(long id, string ns, ReadOnlySpan<float> vector)
    {
        if (_dimensions == 0)
        {
            _dimensions = vector.Length;
        }
        else if (vector.Length != _dimensions)
        {
            // Vectors of another size cannot be compared with the query (the store refuses them on write); leave them out.
            RemoveLocked(id);
            return;
        }

        if (!_slots.TryGetValue(id, out var slot))
        {
            slot = _count++;
            if (slot == _ids.Length)
            {
                var capacity = Math.Max(64, _ids.Length * 2);
                Array.Resize(ref _ids, capacity);
                Array.Resize(ref _namespaces, capacity);
                Array.Resize(ref _norms, capacity);
                Array.Resize(ref _vectors, capacity * _dimensions);
            }

            _slots[id] = slot;
        }

        _ids[slot] = id;
        _namespaces[slot] = ns;
        _norms[slot] = TensorPrimitives.Norm(vector);
        vector.CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
    }

    private void RemoveLocked(long id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return;
        }

        // Move the last row into the hole so the array stays contiguous.
        var last = --_count;
        if (slot != last)
        {
            _ids[slot] = _ids[last];
            _namespaces[slot] = _namespaces[last];
            _norms[slot] = _norms[last];
            _vectors.AsSpan(last * _dimensions, _dimensions).CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
            _slots[_ids[slot]] = slot;
        }

        _namespaces[last] = null!;
    }
}
