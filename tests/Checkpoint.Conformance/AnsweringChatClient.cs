using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Checkpoint.Conformance;

/// <summary>
/// A deterministic chat model for tests: <see cref="Answer"/> maps a request to the text of the reply; streaming
/// replays it. Counts requests.
/// </summary>
public abstract class AnsweringChatClient : IChatClient
{
    /// <summary>How many requests were made.</summary>
    public int Calls { get; private set; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer(messages.ToList()))));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <inheritdoc />
    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The reply's text to <paramref name="request"/>.</summary>
    protected abstract string Answer(IReadOnlyList<ChatMessage> request);
}
