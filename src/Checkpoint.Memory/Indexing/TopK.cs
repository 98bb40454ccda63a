namespace Checkpoint.Memory;

/// <summary>
/// Keeps the best <c>k</c> slots by score in a binary min-heap (the worst kept slot on top), so a scan
/// of n slots costs O(n log k) rather than a sort of all n. Equal scores are ordered by
/// <c>tieBetter</c> (namespace then key), so every backend picks the same items at the cut.
/// </summary>
internal sealed class TopK(int capacity, Func<int, int, bool> tieBetter)
{
    private readonly double[] _scores = new double[Math.Max(1, capacity)];
    private readonly int[] _slots = new int[Math.Max(1, capacity)];
    private int _count;

    /// <summary>Offers a slot; kept when it beats the worst kept one (or there is room).</summary>
    public void Offer(int slot, double score)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (_count < capacity)
        {
            _scores[_count] = score;
            _slots[_count] = slot;
            SiftUp(_count++);
        }
        else if (Better(score, slot, _scores[0], _slots[0]))
        {
            _scores[0] = score;
            _slots[0] = slot;
            SiftDown(0);
        }
    }

    /// <summary>The kept slots, best first.</summary>
    public List<(int Slot, double Score)> Drain()
    {
        var result = new List<(int, double)>(_count);
        for (var i = 0; i < _count; i++)
        {
            result.Add((_slots[i], _scores[i]));
        }

        result.Sort((a, b) => Better(a.Item2, a.Item1, b.Item2, b.Item1) ? -1 : Better(b.Item2, b.Item1, a.Item2, a.Item1) ? 1 : 0);
        return result;
    }

    private bool Better(double score, int slot, double otherScore, int otherSlot) =>
        score > otherScore || (score == otherScore && tieBetter(slot, otherSlot));

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(_scores[parent], _slots[parent], _scores[i], _slots[i]))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var worst = i;
            var left = (2 * i) + 1;
            if (left < _count && Better(_scores[worst], _slots[worst], _scores[left], _slots[left]))
            {
                worst = left;
            }

            if (left + 1 < _count && Better(_scores[worst], _slots[worst], _scores[left + 1], _slots[left + 1]))
            {
                worst = left + 1;
            }

            if (worst == i)
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
