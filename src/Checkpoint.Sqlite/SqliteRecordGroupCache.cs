namespace Checkpoint.Sqlite;

/// <summary>
/// The decoded bodies of recently read record groups, per saver (least recently used evicted first), so that
/// reading grouped checkpoints again does not inflate their group each time. Safe because a group's row id
/// is never reused (<c>AUTOINCREMENT</c>) and a group is never changed: a release deletes it and stores its
/// remaining members under a new id, so a cached id always means the same bodies.
/// </summary>
internal sealed class SqliteRecordGroupCache(int capacity)
{
    private readonly Dictionary<long, LinkedListNode<(long Group, byte[][] Bodies)>> _entries = [];
    private readonly LinkedList<(long Group, byte[][] Bodies)> _order = new();
    private readonly Lock _lock = new();

    /// <summary>The cached bodies of a group, or null.</summary>
    public byte[][]? Find(long group)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(group, out var node))
            {
                return null;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Bodies;
        }
    }

    /// <summary>Remembers the decoded bodies of a group (callers copy a body before handing it out).</summary>
    public void Add(long group, byte[][] bodies)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.ContainsKey(group))
            {
                return;
            }

            _entries[group] = _order.AddFirst((group, bodies));
            if (_entries.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _ = _entries.Remove(last.Value.Group);
            }
        }
    }
}
