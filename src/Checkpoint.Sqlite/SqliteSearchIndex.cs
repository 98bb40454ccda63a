using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// A store instance's <see cref="MemorySearchIndex"/>, tagged with the value of the table's write
/// counter (<c>memory_state.changes</c>) it reflects. A write by this instance moves it forward in place
/// when the index was current before the write; any other change (another instance or process) leaves
/// the tag behind, and the next search reloads the index in its own read transaction. The counter is
/// used rather than <c>PRAGMA data_version</c> because that pragma is per connection, and a pool has several.
/// </summary>
internal sealed class SqliteSearchIndex : IDisposable
{
    private readonly Lock _gate = new();
    private long _changes = -1;

    /// <summary>The items (words and vectors) the index holds.</summary>
    public MemorySearchIndex Index { get; } = new();

    /// <summary>True when the index reflects the table at write counter <paramref name="changes"/>.</summary>
    public bool IsAt(long changes)
    {
        lock (_gate)
        {
            return _changes == changes;
        }
    }

    /// <summary>Replaces the index with <paramref name="rows"/>, read at write counter <paramref name="changes"/>.</summary>
    public void Load(long changes, IEnumerable<IndexedMemory> rows)
    {
        lock (_gate)
        {
            Index.Clear();
            Index.SetMany(rows);
            _changes = changes;
        }
    }

    /// <summary>
    /// Applies this store's own committed write (counter <paramref name="before"/> → <paramref name="after"/>):
    /// each id with its new entry, or null when deleted. In place when the index was current, else the
    /// index stays stale and the next search reloads it.
    /// </summary>
    public void Apply(long before, long after, IReadOnlyList<(long Id, IndexedMemory? Entry)> changes)
    {
        lock (_gate)
        {
            if (_changes != before)
            {
                return;
            }

            Index.SetMany(changes.Where(change => change.Entry is not null).Select(change => change.Entry!.Value));
            foreach (var (id, entry) in changes)
            {
                if (entry is null)
                {
                    _ = Index.Remove(id);
                }
            }

            _changes = after;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Index.Dispose();
}
