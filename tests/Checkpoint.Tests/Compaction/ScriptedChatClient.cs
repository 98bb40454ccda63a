using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Compaction;

/// <summary>A deterministic chat client: answers "summary {n} of {lines} messages" and records every request.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    public List<List<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = messages.ToList();
        Requests.Add(request);
        var lines = request[^1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"summary {Requests.Count} of {lines} messages")));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
