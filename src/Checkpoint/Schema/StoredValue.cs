using System.Buffers;
using System.Globalization;
using MessagePack;

namespace Checkpoint.Schema;

/// <summary>
/// A stored value as a generic MessagePack tree (maps, arrays, primitives), as upcasters see it before
/// it is bound to the current type: an object is a <see cref="StoredValueKind.Map"/> keyed by property
/// name, a list an <see cref="StoredValueKind.Array"/>. The map and array methods change the tree in place
/// and return it, so steps chain: <c>v =&gt; v.RenameProperty("Name", "FullName").SetProperty("Currency", "EUR")</c>.
/// </summary>
public sealed class StoredValue
{
    private readonly List<KeyValuePair<StoredValue, StoredValue>>? _entries;
    private readonly List<StoredValue>? _items;
    private readonly object? _scalar;

    private StoredValue(StoredValueKind kind, object? scalar = null, List<StoredValue>? items = null, List<KeyValuePair<StoredValue, StoredValue>>? entries = null)
    {
        Kind = kind;
        _scalar = scalar;
        _items = items;
        _entries = entries;
    }

    /// <summary>The MessagePack type of this value.</summary>
    public StoredValueKind Kind { get; }

    /// <summary>A nil value.</summary>
    public static StoredValue Nil => new(StoredValueKind.Nil);

    /// <summary>The items of an array (changing the list changes the value).</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public IList<StoredValue> Items => _items ?? throw NotA(StoredValueKind.Array);

    /// <summary>The keys of a map that are strings (property names), in stored order.</summary>
    public IEnumerable<string> PropertyNames => Entries.Select(e => e.Key._scalar).OfType<string>();

    private List<KeyValuePair<StoredValue, StoredValue>> Entries => _entries ?? throw NotA(StoredValueKind.Map);

    /// <summary>A string value.</summary>
    public static StoredValue From(string? value) => value is null ? Nil : new(StoredValueKind.Text, value);

    /// <summary>An integer value.</summary>
    public static StoredValue From(long value) => new(StoredValueKind.WholeNumber, value);

    /// <summary>A floating-point value.</summary>
    public static StoredValue From(double value) => new(StoredValueKind.RealNumber, value);

    /// <summary>A boolean value.</summary>
    public static StoredValue From(bool value) => new(StoredValueKind.Boolean, value);

    /// <summary>An empty map (an object with no properties yet).</summary>
    public static StoredValue NewMap() => new(StoredValueKind.Map, entries: []);

    /// <summary>An array of <paramref name="items"/>.</summary>
    public static StoredValue NewArray(params IEnumerable<StoredValue> items) => new(StoredValueKind.Array, items: [.. items]);

    /// <summary>A string value.</summary>
    public static implicit operator StoredValue(string? value) => From(value);

    /// <summary>An integer value.</summary>
    public static implicit operator StoredValue(long value) => From(value);

    /// <summary>A floating-point value.</summary>
    public static implicit operator StoredValue(double value) => From(value);

    /// <summary>A boolean value.</summary>
    public static implicit operator StoredValue(bool value) => From(value);

    /// <summary>True for a map that has the property <paramref name="name"/>.</summary>
    public bool HasProperty(string name) => Kind == StoredValueKind.Map && IndexOf(name) >= 0;

    /// <summary>The value of a map's property, or null when the map has none by that name.</summary>
    /// <exception cref="InvalidOperationException">The value is not a map.</exception>
    public StoredValue? GetProperty(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? null : Entries[index].Value;
    }

    /// <summary>Sets (adds or replaces) a map's property.</summary>
    /// <exception cref="InvalidOperationException">The value is not a map.</exception>
    public StoredValue SetProperty(string name, StoredValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var index = IndexOf(name);
        if (index < 0)
        {
            Entries.Add(new(From(name), value));
        }
        else
        {
            Entries[index] = new(Entries[index].Key, value);
        }

        return this;
    }

    /// <summary>Renames a map's property; does nothing when it has no <paramref name="oldName"/> or already has <paramref name="newName"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a map.</exception>
    public StoredValue RenameProperty(string oldName, string newName)
    {
        ArgumentNullException.ThrowIfNull(oldName);
        ArgumentNullException.ThrowIfNull(newName);
        var index = IndexOf(oldName);
        if (index >= 0 && IndexOf(newName) < 0)
        {
            Entries[index] = new(From(newName), Entries[index].Value);
        }

        return this;
    }

    /// <summary>Removes a map's property, if it has it.</summary>
    /// <exception cref="InvalidOperationException">The value is not a map.</exception>
    public StoredValue RemoveProperty(string name)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            Entries.RemoveAt(index);
        }

        return this;
    }

    /// <summary>Replaces each item of an array by <paramref name="upcast"/>'s result for it.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public StoredValue MapItems(Func<StoredValue, StoredValue> upcast)
    {
        ArgumentNullException.ThrowIfNull(upcast);
        for (var i = 0; i < Items.Count; i++)
        {
            Items[i] = upcast(Items[i]) ?? Nil;
        }

        return this;
    }

    /// <summary>The value of a string.</summary>
    public string AsString() => Kind == StoredValueKind.Text ? (string)_scalar! : throw NotA(StoredValueKind.Text);

    /// <summary>The value of an integer (or of a float with no fraction).</summary>
    public long AsInt64() => _scalar switch
    {
        long value => value,
        ulong value => checked((long)value),
        double value when Math.Floor(value) == value => checked((long)value),
        _ => throw NotA(StoredValueKind.WholeNumber),
    };

    /// <summary>The value of a number.</summary>
    public double AsDouble() => _scalar switch
    {
        long value => value,
        ulong value => value,
        double value => value,
        _ => throw NotA(StoredValueKind.RealNumber),
    };

    /// <summary>The value of a boolean.</summary>
    public bool AsBoolean() => _scalar is bool value ? value : throw NotA(StoredValueKind.Boolean);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StoredValueKind.Nil => "nil",
        StoredValueKind.Array => $"[{string.Join(", ", Items)}]",
        StoredValueKind.Map => $"{{{string.Join(", ", Entries.Select(e => $"{e.Key}: {e.Value}"))}}}",
        StoredValueKind.Text => $"\"{_scalar}\"",
        StoredValueKind.Bytes or StoredValueKind.Extension => $"<{((byte[])_scalar!).Length} bytes>",
        _ => Convert.ToString(_scalar, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Reads one MessagePack value (well-formed and within the depth limit: the caller checked).</summary>
    internal static StoredValue Read(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return Nil;
            case MessagePackType.Boolean:
                return From(reader.ReadBoolean());
            case MessagePackType.Integer:
                // Values over long.MaxValue come in as ulong.
                return reader.NextCode == MessagePackCode.UInt64 ? new(StoredValueKind.WholeNumber, reader.ReadUInt64()) : From(reader.ReadInt64());
            case MessagePackType.Float:
                return reader.NextCode == MessagePackCode.Float32 ? new(StoredValueKind.RealNumber, reader.ReadSingle()) : From(reader.ReadDouble());
            case MessagePackType.String:
                return From(reader.ReadString());
            case MessagePackType.Binary:
                return new(StoredValueKind.Bytes, reader.ReadBytes()?.ToArray() ?? []);
            case MessagePackType.Array:
                var count = reader.ReadArrayHeader();
                var items = new List<StoredValue>(Math.Min(count, 1024));
                for (var i = 0; i < count; i++)
                {
                    items.Add(Read(ref reader));
                }

                return new(StoredValueKind.Array, items: items);
            case MessagePackType.Map:
                var pairs = reader.ReadMapHeader();
                var entries = new List<KeyValuePair<StoredValue, StoredValue>>(Math.Min(pairs, 1024));
                for (var i = 0; i < pairs; i++)
                {
                    var key = Read(ref reader);
                    entries.Add(new(key, Read(ref reader)));
                }

                return new(StoredValueKind.Map, entries: entries);
            default:
                // An extension (a timestamp, a formatter's own type): kept as its bytes, written back unchanged.
                var start = reader.Position;
                reader.Skip();
                return new(StoredValueKind.Extension, reader.Sequence.Slice(start, reader.Position).ToArray());
        }
    }

    /// <summary>Reads MessagePack bytes as a tree.</summary>
    internal static StoredValue Read(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        return Read(ref reader);
    }

    /// <summary>The MessagePack bytes of the tree.</summary>
    internal byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        Write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    internal void Write(ref MessagePackWriter writer)
    {
        switch (Kind)
        {
            case StoredValueKind.Nil:
                writer.WriteNil();
                break;
            case StoredValueKind.Boolean:
                writer.Write((bool)_scalar!);
                break;
            case StoredValueKind.WholeNumber when _scalar is ulong unsigned:
                writer.Write(unsigned);
                break;
            case StoredValueKind.WholeNumber:
                writer.Write((long)_scalar!);
                break;
            case StoredValueKind.RealNumber when _scalar is float single:
                writer.Write(single);
                break;
            case StoredValueKind.RealNumber:
                writer.Write((double)_scalar!);
                break;
            case StoredValueKind.Text:
                writer.Write((string)_scalar!);
                break;
            case StoredValueKind.Bytes:
                writer.Write((byte[])_scalar!);
                break;
            case StoredValueKind.Array:
                writer.WriteArrayHeader(_items!.Count);
                foreach (var item in _items)
                {
                    (item ?? Nil).Write(ref writer);
                }

                break;
            case StoredValueKind.Map:
                writer.WriteMapHeader(_entries!.Count);
                foreach (var (key, value) in _entries)
                {
                    key.Write(ref writer);
                    value.Write(ref writer);
                }

                break;
            default:
                writer.WriteRaw((byte[])_scalar!);
                break;
        }
    }

    private int IndexOf(string name)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key._scalar is string key && key == name)
            {
                return i;
            }
        }

        return -1;
    }

    private InvalidOperationException NotA(StoredValueKind expected) =>
        new($"The stored value is {Kind} ({this}), not {expected}.");
}
