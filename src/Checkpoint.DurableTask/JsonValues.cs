using System.Globalization;
using System.Text.Json;
using Checkpoint.Serialization;

namespace Checkpoint.DurableTask;

/// <summary>Converts between the JSON an orchestration carries and the plain values a graph stores.</summary>
internal static class JsonValues
{
    /// <summary>
    /// A resume value sent as JSON, as plain CLR values (string, long, double, bool, null, lists and
    /// string-keyed dictionaries), which the checkpoint serializer stores and the node reads back as
    /// the type it asks for.
    /// </summary>
    public static object? ParseResumeValue(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return ToClr(document.RootElement);
    }

    /// <summary>The interrupt's value as JSON, or null when it has none.</summary>
    public static string? InterruptValueJson(Interrupt interrupt)
    {
        if (interrupt.Payload.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Serialize(FromMessagePack(interrupt.GetValue<object>()));
        }
        catch (CheckpointDataException)
        {
            return null; // a value MessagePack cannot read untyped: the interrupt is still shown, without it
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static object? ToClr(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToClr).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToClr(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    // A whole number stays a whole number even when a hop on the way wrote it as 9.0 (events raised through the Durable
    // Task backend arrive so), so a node asking ctx.Interrupt<int>() for it gets it.
    private static object Number(JsonElement element)
    {
        if (element.TryGetInt64(out var integer))
        {
            return integer;
        }

        var number = element.GetDouble();
        return Math.Abs(number) <= MaxExactInteger && Math.Floor(number) == number ? (long)number : number;
    }

    private const double MaxExactInteger = 9_007_199_254_740_992; // 2^53: every whole double up to it is exact

    private static object? FromMessagePack(object? value) => value switch
    {
        IDictionary<object, object> map => map.ToDictionary(
            p => Convert.ToString(p.Key, CultureInfo.InvariantCulture) ?? "", p => FromMessagePack(p.Value), StringComparer.Ordinal),
        object[] items => items.Select(FromMessagePack).ToList(),
        _ => value,
    };
}
