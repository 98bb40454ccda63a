using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Custom events from nodes (<see cref="NodeContext.Emit"/>): streamed live, in order, with node and step.</summary>
public sealed class CustomStreamTests
{
    private readonly InMemoryCheckpointSaver _saver = new();

    [Fact]
    public async Task Each_nodes_events_stream_in_order_before_its_update_with_node_and_step()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("slow", async (_, context) =>
            {
                for (var percent = 25; percent <= 100; percent += 25)
                {
                    await Task.Yield();
                    context.Emit($"slow {percent}%");
                }

                return new Update<ChatState>().Append(s => s.Messages, new Message("slow", "done"));
            })
            .AddNode("fast", (_, context) =>
            {
                context.Emit(42);
                return new Update<ChatState>().Append(s => s.Messages, new Message("fast", "done"));
            })
            .AddEdge(Graph.Start, "slow").AddEdge(Graph.Start, "fast").AddEdge("slow", Graph.End).AddEdge("fast", Graph.End)
            .Compile(_saver);

        var events = new List<GraphEvent<ChatState>>();
        await foreach (var graphEvent in graph.StreamAsync(TestGraphs.Question(), RunConfig.ForThread("t")))
        {
            events.Add(graphEvent);
        }

        var custom = events.OfType<NodeEmitted<ChatState>>().ToList();
        Assert.Equal(["slow 25%", "slow 50%", "slow 75%", "slow 100%"], custom.Where(e => e.Node == "slow").Select(e => e.Payload));
        Assert.Equal([42], custom.Where(e => e.Node == "fast").Select(e => e.Payload));
        Assert.All(custom, e => Assert.Equal(0, e.Step));
        var firstUpdate = events.FindIndex(e => e is NodeUpdated<ChatState>);
        Assert.True(events.FindLastIndex(e => e is NodeEmitted<ChatState>) < firstUpdate, string.Join("\n", events));
        Assert.Equal("NodeEmitted { Step = 0, Node = fast, Payload = 42 }", custom.Single(e => e.Node == "fast").ToString());
    }

    [Fact]
    public async Task An_event_reaches_the_stream_while_its_node_is_still_running()
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var graph = new StateGraph<ChatState>()
            .AddNode("chat", async (_, context) =>
            {
                context.Emit("token 1");
                await seen.Task.WaitAsync(TimeSpan.FromSeconds(20), context.CancellationToken); // the stream must deliver before the node ends
                context.Emit("token 2");
                return new Update<ChatState>().Set(s => s.Note, "answered");
            })
            .AddEdge(Graph.Start, "chat").AddEdge("chat", Graph.End)
            .Compile(_saver);

        var tokens = new List<object?>();
        await foreach (var graphEvent in graph.StreamAsync(TestGraphs.Question(), RunConfig.ForThread("t")))
        {
            if (graphEvent is NodeEmitted<ChatState> emitted)
            {
                tokens.Add(emitted.Payload);
                seen.TrySetResult();
            }
        }

        Assert.Equal(["token 1", "token 2"], tokens);
    }

    [Fact]
    public async Task Invoking_without_a_stream_drops_the_events()
    {
        var graph = new StateGraph<ChatState>()
            .AddNode("n", (_, context) =>
            {
                context.Emit("nobody listens");
                return new Update<ChatState>().Set(s => s.Note, "ran");
            })
            .AddEdge(Graph.Start, "n").AddEdge("n", Graph.End)
            .Compile(_saver);

        Assert.Equal("ran", (await graph.InvokeAsync(TestGraphs.Question(), RunConfig.ForThread("t"))).Note);
        Assert.Equal("ran", (await graph.RunAsync(TestGraphs.Question(), RunConfig.ForThread("u"))).State.Note);
    }
}
