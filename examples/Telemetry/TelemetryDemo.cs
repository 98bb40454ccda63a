using Checkpoint;
using Checkpoint.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TelemetryExample;

/// <summary>
/// Runs a three-step graph (plan, then search and calculate in parallel, then answer) on SQLite with OpenTelemetry's
/// console exporter: every span (run, steps, nodes, saver calls) and the metrics are printed to the console.
/// </summary>
public static class TelemetryDemo
{
    public static async Task<ResearchState> RunAsync(string databasePath)
    {
        var resource = ResourceBuilder.CreateDefault().AddService("checkpoint-telemetry-example");
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddCheckpointInstrumentation()
            .AddConsoleExporter()
            .Build();
        using var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddCheckpointInstrumentation()
            .AddConsoleExporter()
            .Build();

        await using var saver = new SqliteCheckpointSaver(databasePath);
        var graph = new StateGraph<ResearchState>()
            .AddNode("plan", s => new Update<ResearchState>().Append(x => x.Notes, $"plan: look up and compute for '{s.Question}'"))
            .AddNode("search", _ => new Update<ResearchState>().Append(x => x.Notes, "search: 6 and 7 are the factors"))
            .AddNode("calculate", _ => new Update<ResearchState>().Append(x => x.Notes, "calculate: 6*7 = 42"))
            .AddNode("answer", s => new Update<ResearchState>().Set(x => x.Answer, $"42 (from {s.Notes.Count} notes)"))
            .AddEdge(Graph.Start, "plan")
            .AddEdge("plan", "search").AddEdge("plan", "calculate")
            .AddEdge("search", "answer").AddEdge("calculate", "answer")
            .AddEdge("answer", Graph.End)
            .Compile(saver);

        var state = await graph.InvokeAsync(new ResearchState { Question = "What is 6*7?" }, RunConfig.ForThread("telemetry-demo"));
        return state;
    }
}
