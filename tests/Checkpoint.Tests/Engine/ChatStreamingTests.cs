using System.Runtime.CompilerServices;
using Checkpoint.Storage;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Engine;

/// <summary><see cref="NodeContextChatExtensions.StreamChatAsync"/>: a model's token chunks stream live from a node.</summary>
public sealed class ChatStreamingTests
{
    [Fact]
    public async Task A_models_chunks_stream_in_order_before_the_nodes_update_and_the_reply_is_assembled()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("agent", async (s, ctx) =>
            {
                var reply = await ctx.StreamChatAsync(new WordByWordClient(), [new ChatMessage(ChatRole.User, s.Messages[^1].Content)]);
                return new Update<ChatState>().Append(x => x.Messages, new Message("assistant", reply.Text));
            })
            .AddEdge(Graph.Start, "agent").AddEdge("agent", Graph.End)
            .Compile(new InMemoryCheckpointSaver());

        var events = new List<GraphEvent<ChatState>>();
        await foreach (var graphEvent in graph.StreamAsync(TestGraphs.Question("say three words"), RunConfig.ForThread("t")))
        {
            events.Add(graphEvent);
        }

        var chunks = events.OfType<NodeEmitted<ChatState>>().Select(e => ((ChatResponseUpdate)e.Payload!).Text).ToList();
        Assert.Equal(["you ", "said: ", "say ", "three ", "words "], chunks);
        var updated = events.FindIndex(e => e is NodeUpdated<ChatState>);
        Assert.True(events.FindLastIndex(e => e is NodeEmitted<ChatState>) < updated);
        Assert.Equal("you said: say three words ", (await graph.GetStateAsync(RunConfig.ForThread("t")))!.Values.Messages[^1].Content);
    }

    /// <summary>A model that echoes the request one word per chunk.</summary>
    private sealed class WordByWordClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("this model only streams");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in ("you said: " + messages.Last().Text).Split(' '))
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { MessageId = "m1" };
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
