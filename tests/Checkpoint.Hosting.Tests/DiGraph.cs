using Checkpoint.Hosting;

namespace Checkpoint.Hosting.Tests;

public sealed class Counter
{
    public int Count { get; set; }

    public string? Greeting { get; set; }
}

/// <summary>A service the graph's node resolves from the container.</summary>
public sealed class Greeter
{
    public string Greet(int count) => $"hello #{count}";
}

/// <summary>Two steps: "count" then "greet" (which uses <see cref="Greeter"/> from DI).</summary>
public static class DiGraph
{
    public static CheckpointBuilder AddCounterGraph(this CheckpointBuilder builder) =>
        builder.AddGraph(provider =>
        {
            var greeter = provider.GetService(typeof(Greeter)) as Greeter ?? throw new InvalidOperationException("Greeter is not registered.");
            return new StateGraph<Counter>()
                .AddNode("count", s => new Update<Counter>().Set(x => x.Count, s.Count + 1))
                .AddNode("greet", s => new Update<Counter>().Set(x => x.Greeting, greeter.Greet(s.Count)))
                .AddEdge(Graph.Start, "count").AddEdge("count", "greet").AddEdge("greet", Graph.End);
        });
}
