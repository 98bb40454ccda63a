using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Release 1 of an app's state: <c>Count</c> is text.</summary>
public sealed class OrderStateV1
{
    public string? Count { get; set; }
}

/// <summary>Release 2 of the same state: <c>Count</c> became a number.</summary>
public sealed class OrderStateV2
{
    public int Count { get; set; }
}

public sealed class StateTypeChangeTests
{
    [Fact]
    public async Task A_property_whose_type_changed_is_incompatible_not_corrupt_and_names_the_channel()
    {
        var saver = new InMemoryCheckpointSaver();
        var run = RunConfig.ForThread("orders");
        var v1 = new StateGraph<OrderStateV1>()
            .AddNode("count", s => new Update<OrderStateV1>().Set(x => x.Count, "three"))
            .AddEdge(Graph.Start, "count").AddEdge("count", Graph.End)
            .Compile(saver);
        await v1.InvokeAsync(new OrderStateV1(), run);
        var latest = (await TestGraphs.ListAsync(saver, "orders"))[0].Checkpoint.Id;

        var v2 = new StateGraph<OrderStateV2>()
            .AddNode("count", s => new Update<OrderStateV2>().Set(x => x.Count, s.Count + 1))
            .AddEdge(Graph.Start, "count").AddEdge("count", Graph.End)
            .Compile(saver);
        var error = await Assert.ThrowsAsync<IncompatibleCheckpointException>(() => v2.GetStateAsync(run));

        Assert.Equal(("orders", (Guid?)latest, "Count"), (error.ThreadId, error.CheckpointId, error.Channel));
        Assert.Contains("a string", error.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains(latest.ToString(), error.Message, StringComparison.Ordinal);
    }
}
