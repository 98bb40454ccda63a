using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// A store instance's <see cref="MemorySearchIndex"/>, tagged with the value of the table's write
/// counter (<c>memory_state.changes</c>) it reflects. A write by this instance moves it forward in place
/// when the index was current before the write; any other change (another instance or process) leaves
/// the tag behind, and the next search catches up in its own read transaction (the rows and removals
/// past the tag). The counter is used rather than <c>PRAGMA data_version</c> because that pragma is per
/// connection, and a pool has several.
/// </summary>
internal sealed class SqliteSearchIndex : IDisposable
{
    private readonly Lock _gate = new();
    private long _changes = -1;

    /// <summary>The items (words and vectors) the index holds.</summary>
    public MemorySearchIndex Index { get; } = new();

    /// <summary>How many times the index was loaded from the whole table (tests check that catching up does not).</summary>
    public int Loads { get; private set; }

    /// <summary>The write counter value the index reflects; -1 before the first load.</summary>
    public long Changes
    {
        get
        {
            lock (_gate)
            {
                return _changes;
            }
        }
    }

    /// <summary>
    /// Moves the index from counter <paramref name="from"/> to <paramref name="to"/>: removes
    /// <paramref name="removed"/> then sets <paramref name="put"/> (the rows' current state, so an id
    /// removed and then re-used ends up present). Nothing when another thread moved it meanwhile.
    /// </summary>
    public void CatchUp(long from, long to, IReadOnlyList<long> removed, IReadOnlyList<IndexedMemory> put)
    {
        lock (_gate)
        {
            if (_changes != from)
            {
                return;
            }

            Index.Update(removed, put);
            _changes = to;
        }
    }

    /// <summary>Replaces the index with <paramref name="rows"/>, read at write counter <paramref name="changes"/>.</summary>
    public void Load(long changes, IEnumerable<IndexedMemory> rows)
    {
        lock (_gate)
        {
            Index.ReplaceAll(rows);
            Loads++;
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

            Index.Update(
                changes.Where(change => change.Entry is null).Select(change => change.Id),
                changes.Where(change => change.Entry is not null).Select(change => change.Entry!.Value));
            _changes = after;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Index.Dispose();
}
