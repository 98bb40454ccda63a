using System.Diagnostics;
using Checkpoint.Storage;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Checkpoint.OpenTelemetry.Tests;

public sealed class Doc
{
    public int Version { get; set; }
}

/// <summary>AddCheckpointInstrumentation() subscribes OpenTelemetry's providers (checked with the in-memory exporter).</summary>
[Collection(ConsoleCapture.Name)]
public sealed class InstrumentationTests
{
    [Fact]
    public async Task The_tracer_and_meter_providers_receive_the_runs_spans_and_instruments()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var thread = "otel-" + Guid.NewGuid();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddCheckpointInstrumentation().AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddCheckpointInstrumentation().AddInMemoryExporter(metrics).Build())
        {
            await using var saver = new InMemoryCheckpointSaver();
            var graph = new StateGraph<Doc>()
                .AddNode("edit", s => new Update<Doc>().Set(x => x.Version, s.Version + 1))
                .AddEdge(Graph.Start, "edit").AddEdge("edit", Graph.End)
                .Compile(saver);
            await graph.InvokeAsync(new Doc(), RunConfig.ForThread(thread));
            tracing.ForceFlush();
            meters.ForceFlush();
        }

        var run = Assert.Single(spans, s => s.OperationName == CheckpointTelemetry.RunSpan && (string?)s.GetTagItem(CheckpointTelemetry.ThreadIdTag) == thread);
        var trace = spans.Where(s => s.TraceId == run.TraceId).Select(s => s.OperationName).ToHashSet();
        Assert.Superset(
            new HashSet<string> { CheckpointTelemetry.StepSpan, CheckpointTelemetry.NodeSpan, CheckpointTelemetry.SaverGetSpan, CheckpointTelemetry.SaverPutSpan },
            trace);
        var names = metrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                CheckpointTelemetry.StepsCounter, CheckpointTelemetry.CheckpointsCounter, CheckpointTelemetry.StepDurationHistogram,
                CheckpointTelemetry.CheckpointSizeHistogram, CheckpointTelemetry.SaverDurationHistogram,
            },
            names);
        Assert.All(metrics.Where(m => m.Name == CheckpointTelemetry.CheckpointSizeHistogram), m => Assert.Equal("By", m.Unit)); // exported at the flush and again at the end
    }
}
