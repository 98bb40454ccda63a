namespace Checkpoint.Runtime;

/// <summary>The run's spans (see <see cref="RunTrace"/>), kept out of the loop's file.</summary>
internal sealed partial class GraphRun<TState>
{
    private readonly RunTrace _trace = new(graph.Options.TimeProvider);

    /// <summary>Runs the loop (<see cref="RunStepsAsync"/>) inside the run's span.</summary>
    public IAsyncEnumerable<GraphEvent<TState>> RunAsync(object? input, CancellationToken cancellationToken) =>
        _trace.TraceAsync(RunStepsAsync(input, cancellationToken), config?.ThreadId, () => FinalRecord, cancellationToken);
}
