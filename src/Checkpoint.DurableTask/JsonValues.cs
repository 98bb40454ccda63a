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
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToClr).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToClr(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    private static object? FromMessagePack(object? value) => value switch
    {
        IDictionary<object, object> map => map.ToDictionary(
            p => Convert.ToString(p.Key, CultureInfo.InvariantCulture) ?? "", p => FromMessagePack(p.Value), StringComparer.Ordinal),
        object[] items => items.Select(FromMessagePack).ToList(),
        _ => value,
    };
}
