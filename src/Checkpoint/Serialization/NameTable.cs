using Checkpoint.Storage;

namespace Checkpoint.Serialization;

/// <summary>
/// The names a record body refers to by index (channels, nodes), in order of first use. Most records name a few
/// channels and nodes, and a list searched from the start beats a hash table for those (the record is encoded on
/// every put, between SQLite's work, when little of the encoder is still in the CPU's caches); past
/// <see cref="ListedNames"/> names a dictionary takes over, so a state of hundreds of channels stays linear.
/// </summary>
internal sealed class NameTable
{
    /// <summary>Up to this many names are found by a search of the list.</summary>
    public const int ListedNames = 16;

    private readonly List<string> _names = new(8);
    private Dictionary<string, int>? _indexes;

    /// <summary>The names, in order of first use.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>How many names there are.</summary>
    public int Count => _names.Count;

    /// <summary>The index of a name in the table (a name not in it is a bug of the encoder).</summary>
    public int this[string name]
    {
        get
        {
            var index = Find(name);
            return index >= 0 ? index : throw new KeyNotFoundException($"'{name}' is not in the record's name table.");
        }
    }

    /// <summary>The table of a record's names: channels, then each node and the channels it saw, next nodes, send targets.</summary>
    public static NameTable Of(CheckpointRecord record)
    {
        var table = new NameTable();
        foreach (var channel in record.Channels.Keys)
        {
            table.Add(channel);
        }

        foreach (var (node, versions) in record.VersionsSeen)
        {
            table.Add(node);
            foreach (var channel in versions.Keys)
            {
                table.Add(channel);
            }
        }

        foreach (var node in record.NextNodes)
        {
            table.Add(node);
        }

        foreach (var send in record.Sends)
        {
            table.Add(send.Node);
        }

        return table;
    }

    private void Add(string name)
    {
        if (Find(name) >= 0)
        {
            return;
        }

        _names.Add(name);
        if (_indexes is not null)
        {
            _indexes[name] = _names.Count - 1;
        }
        else if (_names.Count > ListedNames)
        {
            _indexes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < _names.Count; i++)
            {
                _indexes[_names[i]] = i;
            }
        }
    }

    private int Find(string name)
    {
        if (_indexes is not null)
        {
            return _indexes.TryGetValue(name, out var index) ? index : -1;
        }

        for (var i = 0; i < _names.Count; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
