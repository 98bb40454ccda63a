using System.Text;
using StackExchange.Redis;

namespace Checkpoint.Redis;

/// <summary>
/// Pages the ids of one namespace of a thread's id set (members <c>{ens}|{id}</c>, or <c>{ens}|{last id}g</c>
/// for a record group), newest first, below an optional upper id bound.
/// </summary>
/// <remarks>
/// A group's member sorts at its newest id, so its older ids come out of the set before ids it spans that were
/// put after it was formed (out of order). An id is only handed out once every member not yet read sorts below
/// it: each such member's ids are at most its own sort key.
/// </remarks>
internal sealed class IdCursor
{
    private readonly SortedSet<string> _pending = new(StringComparer.Ordinal);
    private readonly IDatabase _db;
    private readonly RedisKey _ids;
    private readonly RedisKey _records;
    private readonly string _encodedNamespace;
    private readonly string _lower;
    private readonly string? _before;
    private readonly int _pageSize;
    private string _upper;
    private string? _lastRead;
    private bool _exhausted;

    public IdCursor(IDatabase db, string threadBase, string encodedNamespace, string? beforeIdHex, int pageSize)
    {
        _db = db;
        _ids = RedisKeys.Ids(threadBase);
        _records = RedisKeys.Records(threadBase);
        _encodedNamespace = encodedNamespace;
        _pageSize = pageSize;
        _before = beforeIdHex;
        _lower = "[" + encodedNamespace + "|";
        _upper = beforeIdHex is null ? "(" + encodedNamespace + "}" : "(" + encodedNamespace + "|" + beforeIdHex;
    }

    /// <summary>The next id, or null when the set has no more.</summary>
    public string? Head => _pending.Count > 0 ? _pending.Max : null;

    /// <summary>Reads pages until the newest pending id is safe to hand out (or the set is exhausted).</summary>
    public async Task FillAsync(CancellationToken cancellationToken)
    {
        while (NeedsFill)
        {
            // The bound below which this page reads: ids at or above it were read already (or are after 'before').
            var bound = _lastRead ?? _before;
            var page = await _db.ScriptEvaluateAsync(RedisGroupScripts.Page, [_ids, _records], [_encodedNamespace, _upper, _lower, _pageSize, bound ?? ""])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            var items = (byte[][])page!;
            Add(items[0], bound);
            for (var i = 2; i < items.Length; i++)
            {
                Add(items[i], bound);
                _lastRead = Encoding.ASCII.GetString(items[i], 0, 32);
            }

            _exhausted = items[1] is [(byte)'1'];
            if (items.Length > 2)
            {
                _upper = "(" + _encodedNamespace + "|" + Encoding.ASCII.GetString(items[^1], 0, Math.Min(items[^1].Length, 33));
            }
        }
    }

    /// <summary>Whether <see cref="Head"/> may be wrong until <see cref="FillAsync"/> reads further.</summary>
    public bool NeedsFill => !_exhausted && (_pending.Count == 0 || _lastRead is null || string.CompareOrdinal(_pending.Max, _lastRead) < 0);

    /// <summary>Takes the head (call <see cref="FillAsync"/> before looking at the next one).</summary>
    public string Take()
    {
        var id = _pending.Max!;
        _ = _pending.Remove(id);
        return id;
    }

    /// <summary>Adds a page item: an id, or a group's field followed by its members' ids, 16 bytes each (those below the bound).</summary>
    private void Add(byte[] item, string? before)
    {
        if (item.Length == 32)
        {
            _ = _pending.Add(Encoding.ASCII.GetString(item));
            return;
        }

        for (var position = 33; position + 16 <= item.Length; position += 16)
        {
            var id = Convert.ToHexString(item, position, 16).ToLowerInvariant();
            if (before is null || string.CompareOrdinal(id, before) < 0)
            {
                _ = _pending.Add(id);
            }
        }
    }
}
