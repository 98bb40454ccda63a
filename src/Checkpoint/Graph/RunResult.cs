namespace Checkpoint;

/// <summary>
/// What <see cref="CompiledGraph{TState}.RunAsync"/> stopped with: the state, the checkpoint it is saved at, and the
/// interrupts waiting for a resume (none when the run reached the end of the graph).
/// </summary>
/// <typeparam name="TState">The graph's state type.</typeparam>
/// <param name="State">The state, as <see cref="CompiledGraph{TState}.InvokeAsync"/> returns it.</param>
/// <param name="Config">The run's config pointing at the checkpoint it stopped at (resume or fork from it).</param>
/// <param name="Step">That checkpoint's step.</param>
/// <param name="Interrupts">The pending interrupts; resume them with <see cref="Command.Resume"/> or <see cref="Command.ResumeEach"/>.</param>
public sealed record RunResult<TState>(TState State, RunConfig Config, int Step, IReadOnlyList<Interrupt> Interrupts)
{
    /// <summary>True when the run paused for outside input.</summary>
    public bool IsInterrupted => Interrupts.Count > 0;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Field(nameof(Step), Step).Field(nameof(Config.CheckpointId), Config.CheckpointId)
            .Field(nameof(Interrupts), Printing.List(Interrupts, Printing.Interrupt)).Field(nameof(State), State);
        return true;
    }
}
