using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// Pages the ids of one namespace of a thread's id set (members <c>{ens}|{id}</c>), newest first,
/// below an optional upper id bound.
/// </summary>
internal sealed class IdCursor
{
    private readonly Queue<string> _buffer = new();
    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly string _lower;
    private readonly int _headLength;
    private readonly int _pageSize;
    private string _upper;
    private bool _exhausted;

    public IdCursor(IDatabase db, RedisKey key, string encodedNamespace, string? beforeIdHex, int pageSize)
    {
        _db = db;
        _key = key;
        _pageSize = pageSize;
        _headLength = encodedNamespace.Length + 1;
        _lower = "[" + encodedNamespace + "|";
        _upper = beforeIdHex is null ? "(" + encodedNamespace + "}" : "(" + encodedNamespace + "|" + beforeIdHex;
    }

    /// <summary>The next id, or null when the set has no more.</summary>
    public string? Head => _buffer.TryPeek(out var id) ? id : null;

    /// <summary>Loads the next page when the buffer is empty.</summary>
    public async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count > 0 || _exhausted)
        {
            return;
        }

        var page = await _db.ExecuteAsync("ZREVRANGEBYLEX", _key, _upper, _lower, "LIMIT", 0, _pageSize)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var members = (string[])page!;
        foreach (var member in members)
        {
            _buffer.Enqueue(member[_headLength..]);
        }

        _exhausted = members.Length < _pageSize;
        if (members.Length > 0)
        {
            _upper = "(" + members[^1];
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
