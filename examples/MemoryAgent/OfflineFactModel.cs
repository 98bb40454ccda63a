using System.Runtime.CompilerServices;
using System.Text.Json;
using Checkpoint.Memory;
using Microsoft.Extensions.AI;

namespace MemoryAgent;

/// <summary>
/// A rule-based stand-in for a chat model, answering the two consolidation prompts the way a model would for this
/// demo: an episode "… said: Remember: X" yields the fact X; a fact is NONE when a shown memory says it word for word,
/// else ADD. Replace it with a real model through <see cref="ChatModels.FromEnvironment"/>.
/// </summary>
public sealed class OfflineFactModel : IChatClient
{
    private const string Marker = " said: " + Agent.RememberPrefix;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var lines = list[^1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var answer = list[0].Text == ConsolidationPrompts.Extract ? Facts(lines) : Decide(lines);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    // Episodes arrive as "E1: ada said: Remember: …".
    private static string Facts(string[] episodes) => JsonSerializer.Serialize(new
    {
        facts = episodes
            .Select(line => (Id: line[..line.IndexOf(':', StringComparison.Ordinal)], At: line.IndexOf(Marker, StringComparison.Ordinal), Line: line))
            .Where(episode => episode.At > 0)
            .Select(episode => new { text = episode.Line[(episode.At + Marker.Length)..].Trim(), sources = new[] { episode.Id } }),
    });

    // "New fact: X", a header, then the shown memories as "M1: text".
    private static string Decide(string[] lines)
    {
        var fact = lines[0]["New fact: ".Length..];
        return lines.Skip(2).Any(line => line.EndsWith(": " + fact, StringComparison.Ordinal))
            ? """{"action": "NONE", "id": null}"""
            : JsonSerializer.Serialize(new { action = "ADD", id = (string?)null, text = fact });
    }
}
