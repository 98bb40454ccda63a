namespace Checkpoint.DurableTask;

/// <summary>The <see cref="StepRunner{TState}"/> of a registered graph, whatever its state type.</summary>
public interface IGraphSteps
{
    /// <summary>The graph's state type.</summary>
    Type StateType { get; }

    /// <summary>See <see cref="StepRunner{TState}.StartAsync"/>.</summary>
    Task<StepPlan> StartAsync(object input, RunConfig config, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="StepRunner{TState}.PlanAsync"/>.</summary>
    Task<StepPlan?> PlanAsync(RunConfig config, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="StepRunner{TState}.RunTaskAsync"/>.</summary>
    Task<TaskRunResult> RunTaskAsync(RunConfig config, string node, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="StepRunner{TState}.RunTaskByIdAsync"/>.</summary>
    Task<TaskRunResult> RunTaskByIdAsync(RunConfig config, string taskId, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="StepRunner{TState}.CommitStepAsync"/>.</summary>
    Task<StepPlan> CommitStepAsync(RunConfig config, CancellationToken cancellationToken = default);

    /// <summary>See <see cref="StepRunner{TState}.ResumeAsync"/>.</summary>
    Task ResumeAsync(RunConfig config, Command command, CancellationToken cancellationToken = default);
}
