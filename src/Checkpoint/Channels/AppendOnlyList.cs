using System.Collections;

namespace Checkpoint.Channels;

/// <summary>
/// An immutable list whose appends are amortized O(1): views share one growing buffer, and a view
/// that ends where the buffer's used part ends claims the free space after it (atomically, so two
/// views appending at once never both succeed). Any other append copies. Older views never see
/// items added after them, so every state snapshot keeps its own list.
/// </summary>
internal sealed class AppendOnlyList<T> : IReadOnlyList<T>
{
    private readonly Buffer _buffer;
    private readonly int _count;

    private AppendOnlyList(Buffer buffer, int count)
    {
        _buffer = buffer;
        _count = count;
    }

    public static AppendOnlyList<T> Empty { get; } = new(new Buffer([], 0), 0);

    public int Count => _count;

    public T this[int index] => (uint)index < (uint)_count ? _buffer.Items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public static AppendOnlyList<T> From(IEnumerable<T> items)
    {
        T[] array = [.. items];
        return array.Length == 0 ? Empty : new AppendOnlyList<T>(new Buffer(array, array.Length), array.Length);
    }

    public AppendOnlyList<T> AddRange(T[] items)
    {
        if (items.Length == 0)
        {
            return this;
        }

        var count = _count + items.Length;
        if (count <= _buffer.Items.Length && Interlocked.CompareExchange(ref _buffer.Used, count, _count) == _count)
        {
            Array.Copy(items, 0, _buffer.Items, _count, items.Length);
            return new AppendOnlyList<T>(_buffer, count);
        }

        var grown = new T[Math.Max(count, Math.Max(8, _count * 2))];
        Array.Copy(_buffer.Items, grown, _count);
        Array.Copy(items, 0, grown, _count, items.Length);
        return new AppendOnlyList<T>(new Buffer(grown, count), count);
    }

    /// <summary>The first <paramref name="count"/> items, sharing this list's buffer (appends to the view copy).</summary>
    public AppendOnlyList<T> Prefix(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)_count, nameof(count));
        return count == _count ? this : new AppendOnlyList<T>(_buffer, count);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _buffer.Items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Buffer(T[] items, int used)
    {
        public readonly T[] Items = items;
        public int Used = used;
    }
}
