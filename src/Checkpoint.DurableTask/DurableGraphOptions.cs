using Microsoft.DurableTask;

namespace Checkpoint.DurableTask;

/// <summary>How graph orchestrations behave: history bound and activity retries.</summary>
public sealed record DurableGraphOptions
{
    /// <summary>
    /// The orchestration calls ContinueAsNew (with only the thread and checkpoint id) after this many
    /// committed supersteps, so its history stays bounded however long the run.
    /// <see cref="int.MaxValue"/> disables it.
    /// </summary>
    public int ContinueAsNewEvery { get; init; } = 10;

    /// <summary>How many times a node activity is attempted in all (1 = no retry).</summary>
    public int ActivityMaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry of a failed activity.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor each later retry wait is multiplied by.</summary>
    public double ActivityBackoffCoefficient { get; init; } = 2.0;

    /// <summary>The longest wait between retries (null: no cap).</summary>
    public TimeSpan? ActivityMaxRetryInterval { get; init; }

    /// <summary>
    /// Whether interrupt values travel in activity results and the orchestration's custom status.
    /// The Durable Task backend stores those itself, outside the saver and its encryption. Null (the
    /// default): yes, unless the saver encrypts (<c>SerializerOptions.EncryptionKey</c>); then the status
    /// lists each interrupt with <see cref="InterruptInfo.ValueWithheld"/> and clients read the value
    /// from the saver with <c>graph.GetStateAsync</c>. True or false decides it either way.
    /// </summary>
    public bool? InterruptValuesInOrchestration { get; init; }

    /// <summary>The task options (retry policy) the orchestrator gives every activity it calls.</summary>
    public TaskOptions ActivityOptions() =>
        ActivityMaxAttempts <= 1
            ? new TaskOptions()
            : TaskOptions.FromRetryPolicy(new RetryPolicy(ActivityMaxAttempts, ActivityFirstRetryInterval, ActivityBackoffCoefficient, ActivityMaxRetryInterval));
}
