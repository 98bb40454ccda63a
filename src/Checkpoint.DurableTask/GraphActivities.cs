namespace Checkpoint.DurableTask;

/// <summary>
/// The activities of a graph orchestration: each is one idempotent <see cref="StepRunner{TState}"/>
/// call on the registry's saver, so Durable Task may run it again after a crash or a failure.
/// Hosts wire them up with <see cref="DurableTaskRegistryExtensions.AddCheckpointGraphs"/>, or call
/// them from their own activity functions (Azure Functions).
/// </summary>
public sealed class GraphActivities
{
    private readonly GraphRegistry _graphs;

    /// <summary>Creates the activities of the graphs in <paramref name="graphs"/>.</summary>
    public GraphActivities(GraphRegistry graphs)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        _graphs = graphs;
    }

    /// <summary>The plan of the input's checkpoint (or the thread's latest); null when the thread has none.</summary>
    public async Task<StepInfo?> PlanAsync(GraphActivityInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = await _graphs.Steps(input.GraphName).PlanAsync(input.Config, cancellationToken).ConfigureAwait(false);
        return plan is null ? null : StepInfo.From(plan, _graphs.InterruptValuesInOrchestration);
    }

    /// <summary>Runs the input's node on its checkpoint (a node error is rethrown, so the retry policy applies).</summary>
    public async Task<TaskInfo> RunTaskAsync(GraphActivityInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var steps = _graphs.Steps(input.GraphName);
        var result = input.TaskId is { Length: > 0 } taskId
            ? await steps.RunTaskByIdAsync(input.Config, taskId, cancellationToken).ConfigureAwait(false)
            : await steps.RunTaskAsync(input.Config, input.Node ?? throw new ArgumentException("The run-task input names no task id and no node.", nameof(input)), cancellationToken).ConfigureAwait(false);
        return TaskInfo.From(result, _graphs.InterruptValuesInOrchestration);
    }

    /// <summary>Commits the checkpoint's next step into the next checkpoint; returns the next plan.</summary>
    public async Task<StepInfo> CommitAsync(GraphActivityInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = await _graphs.Steps(input.GraphName).CommitStepAsync(input.Config, cancellationToken).ConfigureAwait(false);
        return StepInfo.From(plan, _graphs.InterruptValuesInOrchestration);
    }

    /// <summary>Saves the input's resume value (JSON) for the checkpoint's open interrupts.</summary>
    public Task ResumeAsync(GraphActivityInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var command = Command.Resume(JsonValues.ParseResumeValue(input.ResumeValueJson));
        return _graphs.Steps(input.GraphName).ResumeAsync(input.Config, command, cancellationToken);
    }
}
