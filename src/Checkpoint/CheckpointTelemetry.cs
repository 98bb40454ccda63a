namespace Checkpoint;

/// <summary>
/// The names Checkpoint's traces and metrics are published under: one <see cref="System.Diagnostics.ActivitySource"/>
/// and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named <see cref="SourceName"/>. Subscribe with
/// OpenTelemetry (<c>AddSource(CheckpointTelemetry.SourceName)</c> / <c>AddMeter(...)</c>, or the
/// <c>AddCheckpointInstrumentation()</c> extensions of the Checkpoint.OpenTelemetry package) or any
/// <see cref="System.Diagnostics.ActivityListener"/>.
/// </summary>
public static class CheckpointTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>Checkpoint</c>.</summary>
    public const string SourceName = "Checkpoint";

    /// <summary>The span of one run (InvokeAsync, RunAsync, StreamAsync): from loading the thread to the last checkpoint.</summary>
    public const string RunSpan = "checkpoint.run";

    /// <summary>The span of one superstep: its nodes run, their writes are applied and its checkpoint is written.</summary>
    public const string StepSpan = "checkpoint.step";

    /// <summary>The span of one node's execution (retries included); error status and an exception event when it fails.</summary>
    public const string NodeSpan = "checkpoint.node";

    /// <summary>The span of <c>CheckpointSaver.GetAsync</c> and <c>GetByIdAsync</c>.</summary>
    public const string SaverGetSpan = "checkpoint.saver.get";

    /// <summary>The span of <c>CheckpointSaver.ListAsync</c>, from the first read to the end of the enumeration.</summary>
    public const string SaverListSpan = "checkpoint.saver.list";

    /// <summary>The span of <c>CheckpointSaver.PutAsync</c>.</summary>
    public const string SaverPutSpan = "checkpoint.saver.put";

    /// <summary>The span of <c>CheckpointSaver.PutWritesAsync</c>.</summary>
    public const string SaverPutWritesSpan = "checkpoint.saver.put_writes";

    /// <summary>Tag: the thread id.</summary>
    public const string ThreadIdTag = "checkpoint.thread_id";

    /// <summary>Tag: the step number (of the checkpoint written, or of the step a node runs in).</summary>
    public const string StepTag = "checkpoint.step";

    /// <summary>Tag: the checkpoint id (written by a step or a put; read by a get; the step's starting checkpoint on a node).</summary>
    public const string CheckpointIdTag = "checkpoint.id";

    /// <summary>Tag: the node's name.</summary>
    public const string NodeTag = "checkpoint.node";

    /// <summary>Tag: the node's task id.</summary>
    public const string TaskIdTag = "checkpoint.task_id";

    /// <summary>Tag (spans and <see cref="SaverDurationHistogram"/>): the saver's type name, e.g. <c>SqliteCheckpointSaver</c>.</summary>
    public const string SaverTag = "checkpoint.saver";

    /// <summary>Tag (spans and <see cref="SaverDurationHistogram"/>): the saver operation: <c>get</c>, <c>list</c>, <c>put</c>, <c>put_writes</c>.</summary>
    public const string OperationTag = "checkpoint.operation";

    /// <summary>Tag on a put span: the serialized channel-value bytes it stores (inline values in the record plus new blob chunks).</summary>
    public const string BytesTag = "checkpoint.bytes";

    /// <summary>Tag on a put-writes span: how many writes it stores.</summary>
    public const string WritesTag = "checkpoint.writes";

    /// <summary>Tag on saver spans and <see cref="SaverDurationHistogram"/> when the call failed: the exception's type name.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Counter: supersteps completed.</summary>
    public const string StepsCounter = "checkpoint.steps";

    /// <summary>Counter: checkpoints written by runs and updates.</summary>
    public const string CheckpointsCounter = "checkpoint.checkpoints";

    /// <summary>Histogram (seconds): the duration of each superstep, from its start to its checkpoint handed to the saver.</summary>
    public const string StepDurationHistogram = "checkpoint.step.duration";

    /// <summary>
    /// Histogram (bytes): the serialized channel-value bytes each checkpoint put stores: inline values carried in the
    /// record plus new blob chunks (appended items and changed large values; unchanged chunked channels cost nothing).
    /// </summary>
    public const string CheckpointSizeHistogram = "checkpoint.checkpoint.size";

    /// <summary>Histogram (seconds): the latency of each saver call (get, list, put, put_writes), tagged with saver and operation.</summary>
    public const string SaverDurationHistogram = "checkpoint.saver.duration";
}
