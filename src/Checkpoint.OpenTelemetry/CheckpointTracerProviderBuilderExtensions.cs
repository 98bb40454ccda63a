using Checkpoint;

namespace OpenTelemetry.Trace;

/// <summary>Subscribes an OpenTelemetry tracer provider to Checkpoint's spans.</summary>
public static class CheckpointTracerProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="CheckpointTelemetry.SourceName"/> activity source: <c>checkpoint.run</c>, <c>checkpoint.step</c>,
    /// <c>checkpoint.node</c> and <c>checkpoint.saver.*</c> spans (see <see cref="CheckpointTelemetry"/> for names and tags).
    /// </summary>
    public static TracerProviderBuilder AddCheckpointInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(CheckpointTelemetry.SourceName);
    }
}
