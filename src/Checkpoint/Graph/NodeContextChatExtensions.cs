using Microsoft.Extensions.AI;

namespace Checkpoint;

/// <summary>Streaming a chat model's reply from inside a node.</summary>
public static class NodeContextChatExtensions
{
    /// <summary>
    /// Streams <paramref name="client"/>'s reply to <paramref name="messages"/>: each <see cref="ChatResponseUpdate"/> (a token
    /// chunk) is sent to whoever streams the run as it arrives (<c>StreamAsync</c> yields a <see cref="NodeEmitted{TState}"/>
    /// whose payload is the update), and the whole reply is returned, assembled, for the node's update. The node's
    /// cancellation token (its run, its timeout) stops the model.
    /// </summary>
    public static async Task<ChatResponse> StreamChatAsync(
        this NodeContext context, IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, context.CancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            context.Emit(update);
        }

        return updates.ToChatResponse();
    }
}
