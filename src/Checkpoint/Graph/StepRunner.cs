namespace Checkpoint;

/// <summary>
/// Runs a graph one piece at a time, for hosts that schedule the pieces themselves (a Durable Task
/// orchestration runs each piece as an activity): write the input checkpoint, run each task of a
/// superstep on its own (saving its writes), then commit the step into the next checkpoint. Every
/// piece is idempotent, so a host may retry any of them after a crash.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class StepRunner<TState>
    where TState : class, new()
{
    private readonly CompiledGraph<TState> _graph;

    internal StepRunner(CompiledGraph<TState> graph) => _graph = graph;

    /// <summary>Applies an input (a <typeparamref name="TState"/> or an <see cref="Update{TState}"/>) to the thread's latest state in a new input checkpoint.</summary>
    public Task<StepPlan> StartAsync(object input, RunConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new Runtime.GraphRun<TState>(_graph, config with { CheckpointId = null }).StartAsync(input, cancellationToken);
    }

    /// <summary>The plan of the config's checkpoint (or the thread's latest); null when the thread has none.</summary>
    public Task<StepPlan?> PlanAsync(RunConfig config, CancellationToken cancellationToken = default) =>
        new Runtime.GraphRun<TState>(_graph, config).PlanAsync(cancellationToken);

    /// <summary>
    /// Runs one node of the next superstep of the checkpoint in <paramref name="config"/> and saves its
    /// writes; does nothing when they are already saved. A node that throws has its error saved
    /// and the exception rethrown (so a host's retry policy applies).
    /// </summary>
    public Task<TaskRunResult> RunTaskAsync(RunConfig config, string node, CancellationToken cancellationToken = default)
    {
        RequireCheckpoint(config);
        ArgumentException.ThrowIfNullOrEmpty(node);
        return new Runtime.GraphRun<TState>(_graph, config).RunTaskAsync(node, taskId: null, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="RunTaskAsync(RunConfig, string, CancellationToken)"/> for the task with <paramref name="taskId"/>
    /// (one of <see cref="StepPlan.Tasks"/>): the way to run each <see cref="Send"/>'s task, since they share a node.
    /// </summary>
    public Task<TaskRunResult> RunTaskByIdAsync(RunConfig config, string taskId, CancellationToken cancellationToken = default)
    {
        RequireCheckpoint(config);
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return new Runtime.GraphRun<TState>(_graph, config).RunTaskAsync(node: null, taskId, cancellationToken);
    }

    /// <summary>
    /// Applies the saved writes of every task of the checkpoint's next step and writes the next
    /// checkpoint. Idempotent: when the step was already committed, returns the plan of that commit.
    /// When the plan is the end of the graph, calls the <see cref="CompileOptions.RunEndedHandlers"/>
    /// (again on a retried commit: handlers run at least once).
    /// </summary>
    public async Task<StepPlan> CommitStepAsync(RunConfig config, CancellationToken cancellationToken = default)
    {
        RequireCheckpoint(config);
        var plan = await new Runtime.GraphRun<TState>(_graph, config).CommitAsync(cancellationToken).ConfigureAwait(false);
        if (plan.IsDone && plan.Interrupts.Count == 0 && _graph.Options.RunEndedHandlers.Count > 0)
        {
            var snapshot = await _graph.GetStateAsync(plan.Config, cancellationToken).ConfigureAwait(false);
            // The plan's config is rebuilt from the checkpoint: its subject lives in the metadata.
            var ended = plan.Config with { SubjectId = snapshot!.Metadata.GetValueOrDefault(RunConfig.SubjectMetadataKey) };
            await _graph.NotifyRunEndedAsync(new RunEnded(ended, plan.Step, snapshot.Values), cancellationToken).ConfigureAwait(false);
        }

        return plan;
    }

    /// <summary>Saves a resume value for the open interrupts of the checkpoint (a no-op for static interrupts).</summary>
    public Task ResumeAsync(RunConfig config, Command command, CancellationToken cancellationToken = default)
    {
        RequireCheckpoint(config);
        ArgumentNullException.ThrowIfNull(command);
        return new Runtime.GraphRun<TState>(_graph, config).SaveResumeAsync(command, cancellationToken);
    }

    private static void RequireCheckpoint(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.CheckpointId is null)
        {
            throw new ArgumentException("The config must name a checkpoint (RunConfig.AtCheckpoint).", nameof(config));
        }
    }
}
