namespace Checkpoint;

/// <summary>
/// A run of a thread reached the end of the graph (no next node, no open interrupt): what
/// <see cref="CompileOptions.RunEndedHandlers"/> receive.
/// </summary>
/// <param name="Config">The run's config (thread, namespace, subject, metadata); <see cref="RunConfig.CheckpointId"/> is the final checkpoint.</param>
/// <param name="Step">The final checkpoint's step.</param>
/// <param name="State">The final state, of the graph's state type (see <see cref="GetState{TState}"/>); shares nothing mutable with the engine.</param>
public sealed record RunEnded(RunConfig Config, int Step, object State)
{
    /// <summary>The final checkpoint's id.</summary>
    public Guid CheckpointId => Config.CheckpointId ?? Guid.Empty;

    /// <summary>The final state as <typeparamref name="TState"/>; throws naming both types when the graph's state is another type.</summary>
    public TState GetState<TState>() => State is TState state ? state : throw new InvalidOperationException(
        $"The run of thread '{Config.ThreadId}' ended with a state of type {State.GetType().Name}, not {typeof(TState).Name}: " +
        "the run-end handler was registered for another graph.");
}
