using Checkpoint.Memory;
using Microsoft.Extensions.AI;

namespace Checkpoint.Conformance.Memory;

/// <summary>
/// A deterministic chat model for consolidation tests: the extract prompt gets <see cref="Facts"/> (JSON) back;
/// the decide prompt gets <see cref="Decide"/>'s answer for the new fact and the shown memories (stand-in id,
/// text). Counts calls.
/// </summary>
public sealed class ScriptedConsolidationClient(string facts, Func<string, IReadOnlyList<(string Id, string Text)>, string> decide) : AnsweringChatClient
{
    /// <summary>The extract answer.</summary>
    public string Facts => facts;

    /// <summary>Maps (new fact, shown memories) to the decide answer.</summary>
    public Func<string, IReadOnlyList<(string Id, string Text)>, string> Decide => decide;

    /// <summary>The id of the shown memory whose text contains <paramref name="part"/>, or "none".</summary>
    public static string IdOf(IReadOnlyList<(string Id, string Text)> shown, string part) =>
        shown.FirstOrDefault(memory => memory.Text.Contains(part, StringComparison.Ordinal)).Id ?? "none";

    /// <inheritdoc />
    protected override string Answer(IReadOnlyList<ChatMessage> request) =>
        request[0].Text == ConsolidationPrompts.Extract ? facts : DecideFrom(request[^1].Text);

    private string DecideFrom(string question)
    {
        var lines = question.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var fact = lines[0]["New fact: ".Length..];
        var shown = lines.Skip(2).Select(line => (Id: line[..line.IndexOf(':', StringComparison.Ordinal)], Text: line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..])).ToList();
        return decide(fact, shown);
    }
}
