using System.Globalization;
using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Sqlite.Tests;

/// <summary>A state holding one value of any type (the supported-types tests).</summary>
public sealed class Box<T>
{
    public T? Value { get; set; }
}

/// <summary>
/// A value inside a type with a former name: every read of it goes through the upcast tree
/// (<see cref="Schema.StoredValue"/>), so a round trip shows the tree keeps the value's bytes faithfully.
/// </summary>
public sealed class Renamed<T>
{
    [FormerName("Old")]
    public T? Inner { get; set; }
}

public enum Colour
{
    Red,
    Green,
    Blue = 40,
}

public sealed record Point(int X, int Y);

public sealed class Settings
{
    public string Theme { get; init; } = "";

    public int FontSize { get; set; }

    public List<string> Recent { get; set; } = [];
}

public readonly record struct Range(int From, int To);

public sealed record Customer(string Name, List<Point> Visits, Dictionary<string, Range> Ranges, Colour Favourite, DateTimeOffset Since);

[Union(0, typeof(Circle))]
[Union(1, typeof(Square))]
public abstract record Shape;

public sealed record Circle(double Radius) : Shape;

public sealed record Square(double Side) : Shape;

public sealed class WithObject
{
    public object? Anything { get; set; }
}

public interface IPlugin
{
    string Name { get; }
}

public sealed class WithInterface
{
    public IPlugin? Plugin { get; set; }
}

public sealed class WithPrivateField
{
#pragma warning disable IDE0044, CA1805 // the point: a private field is not stored
    private int _hidden;
#pragma warning restore IDE0044, CA1805

    public int Visible { get; set; }

    public int Hidden => _hidden;

    public void Hide(int value) => _hidden = value;
}

/// <summary>A value object stored as one string ("12.50 EUR") by <see cref="MoneyFormatter"/>.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public override string ToString() => $"{Amount.ToString(CultureInfo.InvariantCulture)} {Currency}";

    public static Money Parse(string text)
    {
        var parts = text.Split(' ');
        return new Money(decimal.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
    }
}

public sealed class MoneyFormatter : IMessagePackFormatter<Money>
{
    public void Serialize(ref MessagePackWriter writer, Money value, MessagePackSerializerOptions options) => writer.Write(value.ToString());

    public Money Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => Money.Parse(reader.ReadString()!);
}

/// <summary>A formatter that fails: writing when <see cref="FailWrites"/>, reading always.</summary>
public sealed class BrokenMoneyFormatter(bool failWrites) : IMessagePackFormatter<Money>
{
    public bool FailWrites => failWrites;

    public void Serialize(ref MessagePackWriter writer, Money value, MessagePackSerializerOptions options)
    {
        if (failWrites)
        {
            throw new FormatException("money out of range");
        }

        writer.Write(value.ToString());
    }

    public Money Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => throw new FormatException("unreadable money");
}

public sealed record InvoiceLine(string Text, Money Price);

public sealed class InvoiceState
{
    public Money Total { get; set; }

    [Append]
    public IReadOnlyList<InvoiceLine> Lines { get; set; } = [];
}

/// <summary>A type Compile would refuse (an object member) unless a formatter of the user's stores it.</summary>
public sealed class Tagged
{
    public object? Tag { get; set; }

    public string Text { get; set; } = "";
}

public sealed class TaggedFormatter : IMessagePackFormatter<Tagged?>
{
    public void Serialize(ref MessagePackWriter writer, Tagged? value, MessagePackSerializerOptions options) => writer.Write(value?.Text);

    public Tagged? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil() ? null : new Tagged { Text = reader.ReadString()! };
}
