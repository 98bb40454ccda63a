using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>Pages the ids of one (thread, namespace) sorted set, newest first, below an upper bound.</summary>
internal sealed class IdCursor(IDatabase db, RedisKey key, string upperBound, int pageSize)
{
    private readonly Queue<string> _buffer = new();
    private string _upper = upperBound;
    private bool _exhausted;

    /// <summary>The next id, or null when the set has no more.</summary>
    public string? Head => _buffer.TryPeek(out var id) ? id : null;

    /// <summary>Loads the next page when the buffer is empty.</summary>
    public async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count > 0 || _exhausted)
        {
            return;
        }

        var page = await db.ExecuteAsync("ZREVRANGEBYLEX", key, _upper, "-", "LIMIT", 0, pageSize)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var ids = (string[])page!;
        foreach (var id in ids)
        {
            _buffer.Enqueue(id);
        }

        _exhausted = ids.Length < pageSize;
        if (ids.Length > 0)
        {
            _upper = "(" + ids[^1];
        }
    }

    /// <summary>Takes the head and loads the next page if that emptied the buffer.</summary>
    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        var id = _buffer.Dequeue();
        await FillAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }
}
