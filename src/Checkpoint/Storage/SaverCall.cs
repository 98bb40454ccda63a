using System.Diagnostics;
using Checkpoint.Runtime;

namespace Checkpoint.Storage;

/// <summary>
/// One observed saver call: its <c>checkpoint.saver.*</c> span (a client span, tagged with saver, operation, thread,
/// step and checkpoint id) and its latency in <see cref="Telemetry.SaverDuration"/>. Created only when someone listens.
/// </summary>
internal sealed class SaverCall : IDisposable
{
    private readonly Activity? _activity;
    private readonly TagList _tags;
    private readonly long _started;
    private string? _errorType;

    private SaverCall(CheckpointSaver saver, string operation, string spanName, string? threadId)
    {
        _tags = new TagList
        {
            { CheckpointTelemetry.SaverTag, saver.GetType().Name },
            { CheckpointTelemetry.OperationTag, operation },
        };
        _activity = Telemetry.ActivitySource.StartActivity(spanName, ActivityKind.Client);
        if (_activity is { IsAllDataRequested: true })
        {
            foreach (var tag in _tags)
            {
                _activity.SetTag(tag.Key, tag.Value);
            }

            _activity.SetTag(CheckpointTelemetry.ThreadIdTag, threadId);
        }

        _started = TimeProvider.System.GetTimestamp();
    }

    /// <summary>Whether any listener wants the spans or the latency histogram (otherwise calls go straight to the saver).</summary>
    public static bool Observed => Telemetry.ActivitySource.HasListeners() || Telemetry.SaverDuration.Enabled || Telemetry.CheckpointSize.Enabled;

    /// <summary>Starts observing a call.</summary>
    public static SaverCall Start(CheckpointSaver saver, string operation, string spanName, string? threadId) => new(saver, operation, spanName, threadId);

    /// <summary>Adds a tag to the span (when recorded).</summary>
    public SaverCall Tag(string name, object? value)
    {
        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag(name, value);
        }

        return this;
    }

    /// <summary>Tags the checkpoint a call read or wrote: its id and step.</summary>
    public void Checkpoint(CheckpointRecord? checkpoint)
    {
        if (checkpoint is not null)
        {
            Tag(CheckpointTelemetry.CheckpointIdTag, checkpoint.Id.ToString()).Tag(CheckpointTelemetry.StepTag, checkpoint.Step);
        }
    }

    /// <summary>Marks the call failed.</summary>
    public void Fail(Exception exception)
    {
        _errorType = exception.GetType().FullName;
        Telemetry.Fail(_activity, exception);
    }

    /// <summary>Ends the span and records the latency.</summary>
    public void Dispose()
    {
        if (Telemetry.SaverDuration.Enabled)
        {
            var tags = _tags;
            if (_errorType is not null)
            {
                tags.Add(CheckpointTelemetry.ErrorTypeTag, _errorType);
            }

            Telemetry.SaverDuration.Record(TimeProvider.System.GetElapsedTime(_started).TotalSeconds, tags);
        }

        _activity?.Dispose();
    }
}
