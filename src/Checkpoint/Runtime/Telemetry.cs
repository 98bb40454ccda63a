using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Checkpoint.Runtime;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <see cref="CheckpointTelemetry.SourceName"/>, and their instruments.</summary>
internal static class Telemetry
{
    public const string Name = CheckpointTelemetry.SourceName;

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Steps = Meter.CreateCounter<long>(CheckpointTelemetry.StepsCounter, description: "Supersteps completed.");

    public static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>(CheckpointTelemetry.CheckpointsCounter, description: "Checkpoints written.");

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        CheckpointTelemetry.StepDurationHistogram, unit: "s", description: "Duration of a superstep, nodes and checkpoint write included.");

    public static readonly Histogram<long> CheckpointSize = Meter.CreateHistogram<long>(
        CheckpointTelemetry.CheckpointSizeHistogram, unit: "By", description: "Channel-value bytes stored by a checkpoint put (inline values and new chunks).");

    public static readonly Histogram<double> SaverDuration = Meter.CreateHistogram<double>(
        CheckpointTelemetry.SaverDurationHistogram, unit: "s", description: "Latency of a checkpoint saver call.");

    /// <summary>Starts the span of one node's execution in the current step.</summary>
    public static Activity? StartNode(string threadId, string node, int step, Guid checkpointId, string taskId)
    {
        var activity = ActivitySource.StartActivity(CheckpointTelemetry.NodeSpan);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(CheckpointTelemetry.ThreadIdTag, threadId);
            activity.SetTag(CheckpointTelemetry.NodeTag, node);
            activity.SetTag(CheckpointTelemetry.StepTag, step);
            activity.SetTag(CheckpointTelemetry.CheckpointIdTag, checkpointId.ToString());
            activity.SetTag(CheckpointTelemetry.TaskIdTag, taskId);
        }

        return activity;
    }

    /// <summary>Marks a span failed: error status with the message, and an <c>exception</c> event (type, message, stack).</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(CheckpointTelemetry.ErrorTypeTag, exception.GetType().FullName);
        activity.AddException(exception);
    }
}
