using System.Text.Json;
using Checkpoint.Conformance;
using Microsoft.Extensions.AI;

namespace Checkpoint.Memory.Tests;

/// <summary>
/// A deterministic model for session summaries: every episode "user: I …" becomes the fact "The user …" (its
/// source the episode's stand-in id); a fact an existing memory already states word for word is NONE, else ADD.
/// Records the episodes it was shown.
/// </summary>
public sealed class EpisodeFactsClient : AnsweringChatClient
{
    /// <summary>The episode texts of every extract request, in order.</summary>
    public List<List<string>> ExtractRequests { get; } = [];

    /// <inheritdoc />
    protected override string Answer(IReadOnlyList<ChatMessage> request)
    {
        var lines = request[^1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return request[0].Text == ConsolidationPrompts.Extract ? Extract(lines) : Decide(lines);
    }

    private string Extract(string[] lines)
    {
        var episodes = lines.Select(line => (Id: line[..line.IndexOf(':', StringComparison.Ordinal)], Text: line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..])).ToList();
        ExtractRequests.Add([.. episodes.Select(e => e.Text)]);
        var facts = episodes.Where(e => e.Text.StartsWith("user: I ", StringComparison.Ordinal))
            .Select(e => new { text = "The user " + e.Text["user: I ".Length..], sources = new[] { e.Id } });
        return JsonSerializer.Serialize(new { facts });
    }

    private static string Decide(string[] lines)
    {
        var fact = lines[0]["New fact: ".Length..];
        var same = lines.Skip(2).Any(line => line.EndsWith(": " + fact, StringComparison.Ordinal));
        return same ? """{"action": "NONE", "id": null}""" : JsonSerializer.Serialize(new { action = "ADD", id = (string?)null, text = fact });
    }
}
