namespace Checkpoint.DurableTask;

/// <summary>Adapts a compiled graph's <see cref="StepRunner{TState}"/> to <see cref="IGraphSteps"/>.</summary>
internal sealed class GraphSteps<TState>(CompiledGraph<TState> graph) : IGraphSteps
    where TState : class, new()
{
    public CompiledGraph<TState> Graph { get; } = graph;

    public Type StateType => typeof(TState);

    public Task<StepPlan> StartAsync(object input, RunConfig config, CancellationToken cancellationToken = default) =>
        Graph.Steps.StartAsync(input, config, cancellationToken);

    public Task<StepPlan?> PlanAsync(RunConfig config, CancellationToken cancellationToken = default) =>
        Graph.Steps.PlanAsync(config, cancellationToken);

    public Task<TaskRunResult> RunTaskAsync(RunConfig config, string node, CancellationToken cancellationToken = default) =>
        Graph.Steps.RunTaskAsync(config, node, cancellationToken);

    public Task<TaskRunResult> RunTaskByIdAsync(RunConfig config, string taskId, CancellationToken cancellationToken = default) =>
        Graph.Steps.RunTaskByIdAsync(config, taskId, cancellationToken);

    public Task<StepPlan> CommitStepAsync(RunConfig config, CancellationToken cancellationToken = default) =>
        Graph.Steps.CommitStepAsync(config, cancellationToken);

    public Task ResumeAsync(RunConfig config, Command command, CancellationToken cancellationToken = default) =>
        Graph.Steps.ResumeAsync(config, command, cancellationToken);
}
