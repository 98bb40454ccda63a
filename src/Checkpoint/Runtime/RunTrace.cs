using System.Diagnostics;
using System.Runtime.CompilerServices;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// The spans of one run: <c>checkpoint.run</c> around the whole enumeration and one <c>checkpoint.step</c> per
/// superstep under it. The run loop is an async iterator, and each <c>MoveNextAsync</c> starts again from its
/// caller's <see cref="Activity.Current"/>; <see cref="TraceAsync"/> restores the run span as the current one
/// before every step of the loop, so steps, nodes and saver calls nest under it.
/// </summary>
internal sealed class RunTrace(TimeProvider timeProvider)
{
    private Activity? _run;
    private Activity? _step;
    private long _stepStarted;

    /// <summary>Called by the loop when a superstep starts.</summary>
    public void StepStarted(string threadId, int step)
    {
        _step = Telemetry.ActivitySource.StartActivity(CheckpointTelemetry.StepSpan, ActivityKind.Internal, _run?.Context ?? default(ActivityContext));
        if (_step is { IsAllDataRequested: true })
        {
            _step.SetTag(CheckpointTelemetry.ThreadIdTag, threadId);
            _step.SetTag(CheckpointTelemetry.StepTag, step);
        }

        _stepStarted = timeProvider.GetTimestamp();
    }

    /// <summary>Called by the loop when the step's checkpoint is written: counts and times the step, ends its span.</summary>
    public void StepCompleted(CheckpointRecord checkpoint)
    {
        Telemetry.Steps.Add(1);
        if (Telemetry.StepDuration.Enabled)
        {
            Telemetry.StepDuration.Record(timeProvider.GetElapsedTime(_stepStarted).TotalSeconds);
        }

        _step?.SetTag(CheckpointTelemetry.CheckpointIdTag, checkpoint.Id.ToString());
        _step?.Dispose();
        _step = null;
    }

    /// <summary>Runs <paramref name="steps"/> inside a <c>checkpoint.run</c> span; a failure marks the open step and the run failed.</summary>
    public async IAsyncEnumerable<T> TraceAsync<T>(
        IAsyncEnumerable<T> steps, string? threadId, Func<CheckpointRecord?> finalRecord, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var run = Telemetry.ActivitySource.StartActivity(CheckpointTelemetry.RunSpan);
        run?.SetTag(CheckpointTelemetry.ThreadIdTag, threadId);
        _run = run;
        await using var enumerator = steps.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T item;
            try
            {
                if (run is not null)
                {
                    Activity.Current = run;
                }

                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                item = enumerator.Current;
            }
            catch (Exception exception)
            {
                Telemetry.Fail(_step, exception);
                Telemetry.Fail(run, exception);
                _step?.Dispose();
                _step = null;
                throw;
            }

            yield return item;
        }

        _step?.Dispose(); // a step that ended on an interrupt writes no checkpoint of its own
        _step = null;
        if (run is { IsAllDataRequested: true } && finalRecord() is { } record)
        {
            run.SetTag(CheckpointTelemetry.CheckpointIdTag, record.Id.ToString());
            run.SetTag(CheckpointTelemetry.StepTag, record.Step);
        }
    }
}
