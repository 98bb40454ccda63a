using System.Text.Json;

namespace Checkpoint.Memory;

/// <summary>Reads the model's JSON answers of a consolidation (tolerating code fences and text around the object).</summary>
internal static class ConsolidationAnswers
{
    /// <summary>The proposed facts: text and the stand-in ids of their episodes; null when the answer is not readable.</summary>
    public static List<(string Text, List<string> Sources)>? Facts(string answer)
    {
        if (Object(answer) is not { } root || !root.TryGetProperty("facts", out var facts) || facts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<(string, List<string>)>();
        foreach (var fact in facts.EnumerateArray())
        {
            if (fact.ValueKind == JsonValueKind.Object && fact.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(text.GetString()))
            {
                var sources = fact.TryGetProperty("sources", out var ids) && ids.ValueKind == JsonValueKind.Array
                    ? ids.EnumerateArray().Where(id => id.ValueKind == JsonValueKind.String).Select(id => id.GetString()!).ToList()
                    : [];
                result.Add((text.GetString()!.Trim(), sources));
            }
        }

        return result;
    }

    /// <summary>One decision: action (upper case), the stand-in id or null, the text or null; null when not readable.</summary>
    public static (string Action, string? Id, string? Text)? Decision(string answer)
    {
        if (Object(answer) is not { } root || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string? Field(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()!.Trim()
                : null;
        return (action.GetString()!.Trim().ToUpperInvariant(), Field("id"), Field("text"));
    }

    private static JsonElement? Object(string answer)
    {
        var start = answer.IndexOf('{', StringComparison.Ordinal);
        var end = answer.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(answer.AsMemory(start, end - start + 1));
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
