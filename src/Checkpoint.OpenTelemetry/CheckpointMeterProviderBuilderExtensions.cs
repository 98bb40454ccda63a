using Checkpoint;

namespace OpenTelemetry.Metrics;

/// <summary>Subscribes an OpenTelemetry meter provider to Checkpoint's instruments.</summary>
public static class CheckpointMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="CheckpointTelemetry.SourceName"/> meter: the step and checkpoint counters and the
    /// <c>checkpoint.step.duration</c>, <c>checkpoint.checkpoint.size</c> and <c>checkpoint.saver.duration</c> histograms.
    /// </summary>
    public static MeterProviderBuilder AddCheckpointInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(CheckpointTelemetry.SourceName);
    }
}
