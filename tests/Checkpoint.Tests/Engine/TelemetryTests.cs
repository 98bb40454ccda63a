using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>
/// The spans and instruments of a run, captured with an <see cref="ActivityListener"/> and a <see cref="MeterListener"/>.
/// Listeners see every test running in parallel, so each test picks its own trace by its unique thread id.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measured = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly InMemoryCheckpointSaver _saver = new();

    public TelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CheckpointTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CheckpointTelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measured.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    // Step 0 runs "fetch"; step 1 runs "check", which throws.
    private CompiledGraph<ChatState> FailingPipeline() => new StateGraph<ChatState>()
        .AddNode("fetch", s => new Update<ChatState>().Set(x => x.Step, s.Step + 1))
        .AddNode("check", Update<ChatState> (_) => throw new InvalidOperationException("bad data"))
        .AddEdge(Graph.Start, "fetch").AddEdge("fetch", "check").AddEdge("check", Graph.End)
        .Compile(_saver);

    private List<Activity> TraceOf(string threadId)
    {
        var run = Assert.Single(_stopped, a => a.OperationName == CheckpointTelemetry.RunSpan && (string?)a.GetTagItem(CheckpointTelemetry.ThreadIdTag) == threadId);
        return _stopped.Where(a => a.TraceId == run.TraceId).ToList();
    }

    [Fact]
    public async Task A_two_step_run_with_a_failing_node_traces_run_steps_nodes_and_saver_calls()
    {
        var thread = "telemetry-" + Guid.NewGuid();
        await Assert.ThrowsAsync<InvalidOperationException>(() => FailingPipeline().InvokeAsync(new ChatState { Note = "n" }, RunConfig.ForThread(thread)));

        var trace = TraceOf(thread);
        var run = Assert.Single(trace, a => a.OperationName == CheckpointTelemetry.RunSpan);
        Assert.Null(run.Parent);
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal("bad data", run.StatusDescription);

        var steps = trace.Where(a => a.OperationName == CheckpointTelemetry.StepSpan).OrderBy(a => (int)a.GetTagItem(CheckpointTelemetry.StepTag)!).ToList();
        Assert.Equal([0, 1], steps.Select(s => (int)s.GetTagItem(CheckpointTelemetry.StepTag)!));
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.All(steps, s => Assert.Equal(thread, s.GetTagItem(CheckpointTelemetry.ThreadIdTag)));
        Assert.Equal(ActivityStatusCode.Unset, steps[0].Status);
        Assert.Equal(ActivityStatusCode.Error, steps[1].Status);
        var written = (await _saver.GetAsync(thread, "", null))!.Checkpoint;
        Assert.Equal(0, written.Step);
        Assert.Equal(written.Id.ToString(), steps[0].GetTagItem(CheckpointTelemetry.CheckpointIdTag));
        Assert.Null(steps[1].GetTagItem(CheckpointTelemetry.CheckpointIdTag)); // the failed step wrote no checkpoint

        var fetch = Assert.Single(trace, a => a.OperationName == CheckpointTelemetry.NodeSpan && (string?)a.GetTagItem(CheckpointTelemetry.NodeTag) == "fetch");
        var check = Assert.Single(trace, a => a.OperationName == CheckpointTelemetry.NodeSpan && (string?)a.GetTagItem(CheckpointTelemetry.NodeTag) == "check");
        Assert.Equal(steps[0].SpanId, fetch.ParentSpanId);
        Assert.Equal(steps[1].SpanId, check.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, fetch.Status);
        Assert.Equal(ActivityStatusCode.Error, check.Status);
        Assert.Equal(written.Id.ToString(), check.GetTagItem(CheckpointTelemetry.CheckpointIdTag)); // the step's starting checkpoint
        Assert.Equal(1, check.GetTagItem(CheckpointTelemetry.StepTag));
        var exception = Assert.Single(check.Events, e => e.Name == "exception");
        Assert.Contains(exception.Tags, t => t.Key == "exception.type" && (string?)t.Value == typeof(InvalidOperationException).FullName);
        Assert.Contains(exception.Tags, t => t.Key == "exception.message" && (string?)t.Value == "bad data");

        // Saver calls: the run's first read, the input and step-0 checkpoints, and the failed step's error write.
        var saverSpans = trace.Where(a => a.OperationName.StartsWith("checkpoint.saver.", StringComparison.Ordinal)).ToList();
        Assert.All(saverSpans, s => Assert.Equal(ActivityKind.Client, s.Kind));
        Assert.All(saverSpans, s => Assert.Equal(thread, s.GetTagItem(CheckpointTelemetry.ThreadIdTag)));
        Assert.All(saverSpans, s => Assert.Equal(nameof(InMemoryCheckpointSaver), s.GetTagItem(CheckpointTelemetry.SaverTag)));
        Assert.Contains(saverSpans, s => s.OperationName == CheckpointTelemetry.SaverGetSpan && s.ParentSpanId == run.SpanId);
        var puts = saverSpans.Where(s => s.OperationName == CheckpointTelemetry.SaverPutSpan).OrderBy(s => (int)s.GetTagItem(CheckpointTelemetry.StepTag)!).ToList();
        Assert.Equal([-1, 0], puts.Select(p => (int)p.GetTagItem(CheckpointTelemetry.StepTag)!));
        Assert.Equal(written.Id.ToString(), puts[1].GetTagItem(CheckpointTelemetry.CheckpointIdTag));
        Assert.Equal(steps[0].SpanId, puts[1].ParentSpanId);
        Assert.True((long)puts[0].GetTagItem(CheckpointTelemetry.BytesTag)! > 0);
        var errorWrite = Assert.Single(saverSpans, s => s.OperationName == CheckpointTelemetry.SaverPutWritesSpan);
        Assert.Equal(written.Id.ToString(), errorWrite.GetTagItem(CheckpointTelemetry.CheckpointIdTag));
        Assert.Equal(steps[1].SpanId, errorWrite.ParentSpanId);
    }

    [Fact]
    public async Task A_successful_run_records_step_duration_checkpoint_size_and_saver_latency()
    {
        var thread = "metrics-" + Guid.NewGuid();
        var graph = new StateGraph<ChatState>()
            .AddNode("one", s => new Update<ChatState>().Set(x => x.Step, s.Step + 1))
            .AddNode("two", s => new Update<ChatState>().Set(x => x.Messages, [new Message("two", "hello")]))
            .AddEdge(Graph.Start, "one").AddEdge("one", "two").AddEdge("two", Graph.End)
            .Compile(_saver);

        await graph.InvokeAsync(new ChatState { Note = "n" }, RunConfig.ForThread(thread));
        await foreach (var _ in _saver.ListAsync(new CheckpointFilter { ThreadId = thread }))
        {
        }

        var trace = TraceOf(thread);
        var run = Assert.Single(trace, a => a.OperationName == CheckpointTelemetry.RunSpan);
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
        Assert.Equal(1, run.GetTagItem(CheckpointTelemetry.StepTag));
        Assert.Equal(2, trace.Count(a => a.OperationName == CheckpointTelemetry.StepSpan));
        var list = Assert.Single(_stopped, a => a.OperationName == CheckpointTelemetry.SaverListSpan && (string?)a.GetTagItem(CheckpointTelemetry.ThreadIdTag) == thread);
        Assert.Equal(3, list.GetTagItem("checkpoint.count"));

        // Other tests run meanwhile: these only check that this saver's kinds of measurement arrived, with their tags.
        Assert.True(_measured.Count(m => m.Instrument == CheckpointTelemetry.StepDurationHistogram) >= 2);
        Assert.Contains(_measured, m => m.Instrument == CheckpointTelemetry.CheckpointSizeHistogram && m.Value > 0
            && (string?)m.Tags[CheckpointTelemetry.SaverTag] == nameof(InMemoryCheckpointSaver));
        foreach (var operation in new[] { "get", "put", "list" })
        {
            Assert.Contains(_measured, m => m.Instrument == CheckpointTelemetry.SaverDurationHistogram && m.Value >= 0
                && (string?)m.Tags[CheckpointTelemetry.OperationTag] == operation
                && (string?)m.Tags[CheckpointTelemetry.SaverTag] == nameof(InMemoryCheckpointSaver));
        }
    }
}
