using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance;

/// <summary>State of the limit scenarios: a step counter and a linked list.</summary>
public sealed class LinkedState
{
    /// <summary>Incremented by every node.</summary>
    public int Step { get; set; }

    /// <summary>The list a node writes.</summary>
    public LinkedNode? Head { get; set; }
}

/// <summary>
/// Engine runs with values over the serializer's limits, against any saver: the run fails with
/// <see cref="CheckpointLimitExceededException"/> naming the channel, and the thread's last
/// checkpoint stays intact and readable.
/// </summary>
public static class LimitScenarios
{
    /// <summary>"first" writes a 3-node list; then "bad" (alone, or in parallel with "ok") writes <paramref name="bad"/>.</summary>
    public static CompiledGraph<LinkedState> Graph(CheckpointSaver saver, Func<LinkedNode> bad, bool parallel = false, SerializerOptions? options = null)
    {
        var graph = new StateGraph<LinkedState>()
            .AddNode("first", s => new Update<LinkedState>().Set(x => x.Head, LinkedNode.Chain(3)).Set(x => x.Step, 1))
            .AddNode("bad", s => new Update<LinkedState>().Set(x => x.Head, bad()))
            .AddNode("ok", s => new Update<LinkedState>().Set(x => x.Step, s.Step + 1))
            .AddEdge(Checkpoint.Graph.Start, "first")
            .AddEdge("first", "bad")
            .AddEdge("bad", Checkpoint.Graph.End)
            .AddEdge("ok", Checkpoint.Graph.End);
        if (parallel)
        {
            graph.AddEdge("first", "ok");
        }

        // The serializer belongs to the saver: the same storage seen through another serializer.
        return graph.Compile(options is null ? saver : new DelegatingSaver(saver, new CheckpointSerializer(options)));
    }

    /// <summary>A cyclic value fails the run with <see cref="CheckpointLimitExceededException"/>; the checkpoint before it reads back.</summary>
    public static async Task CyclicValueFailsTheRunAndKeepsTheLastCheckpointAsync(CheckpointSaver saver, Durability durability, bool parallel)
    {
        var thread = $"cyclic-{durability}-{parallel}";
        var graph = Graph(saver, LinkedNode.Cycle, parallel);
        var run = RunConfig.ForThread(thread) with { Durability = durability };

        var error = await Assert.ThrowsAsync<CheckpointLimitExceededException>(() => graph.InvokeAsync(new LinkedState(), run));

        Assert.Equal("Head", error.Channel);
        Assert.Equal(nameof(SerializerOptions.MaxDepth), error.Limit);
        Assert.Contains("'Head'", error.Message, StringComparison.Ordinal);
        var state = await graph.GetStateAsync(RunConfig.ForThread(thread));
        Assert.NotNull(state);
        Assert.Equal(1, state.Values.Step);
        Assert.Equal(3, state.Values.Head!.Length());
        Assert.Equal(["bad", .. parallel ? new[] { "ok" } : []], state.Next.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A 600-deep list is refused at write under the default MaxDepth, and written, read back, and
    /// refused as incompatible by a reader with the default limit, under a raised one.
    /// </summary>
    public static async Task DeepValueIsRefusedUnlessTheLimitIsRaisedAsync(CheckpointSaver saver)
    {
        var strict = Graph(saver, () => LinkedNode.Chain(600));
        var error = await Assert.ThrowsAsync<CheckpointLimitExceededException>(
            () => strict.InvokeAsync(new LinkedState(), RunConfig.ForThread("deep-default")));
        Assert.Equal(("Head", "deep-default"), (error.Channel, error.ThreadId));
        Assert.Equal(3, (await strict.GetStateAsync(RunConfig.ForThread("deep-default")))!.Values.Head!.Length());

        var raised = Graph(saver, () => LinkedNode.Chain(600), options: new SerializerOptions { MaxDepth = 1000 });
        var final = await raised.InvokeAsync(new LinkedState(), RunConfig.ForThread("deep-raised"));
        Assert.Equal(600, final.Head!.Length());
        var stored = await raised.GetStateAsync(RunConfig.ForThread("deep-raised"));
        Assert.Equal(600, stored!.Values.Head!.Length());

        // Data written under the raised limit is intact: a reader with a lower one says so, and names it.
        var incompatible = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => strict.GetStateAsync(RunConfig.ForThread("deep-raised")));
        Assert.Equal(("deep-raised", stored.Config.CheckpointId, "Head"), (incompatible.ThreadId, incompatible.CheckpointId, incompatible.Channel));
    }
}
