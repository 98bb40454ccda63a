using System.Collections.Concurrent;
using Checkpoint.Storage;

namespace Checkpoint.DurableTask;

/// <summary>
/// The graphs a Durable Task worker can run, by name, all compiled on one checkpoint saver: the
/// activities look a graph up by the name in their input. Register it once per process (a singleton).
/// </summary>
public sealed class GraphRegistry
{
    private readonly ConcurrentDictionary<string, IGraphSteps> _graphs = new(StringComparer.Ordinal);

    /// <summary>Creates a registry whose graphs checkpoint to <paramref name="saver"/>.</summary>
    public GraphRegistry(CheckpointSaver saver, DurableGraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(saver);
        Saver = saver;
        Options = options ?? new DurableGraphOptions();
        if (Options.ContinueAsNewEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ContinueAsNewEvery must be at least 1.");
        }
    }

    /// <summary>The saver every graph of the registry is compiled on.</summary>
    public CheckpointSaver Saver { get; }

    /// <summary>The orchestration options.</summary>
    public DurableGraphOptions Options { get; }

    /// <summary>Whether interrupt values go into activity results and the custom status (see <see cref="DurableGraphOptions.InterruptValuesInOrchestration"/>).</summary>
    public bool InterruptValuesInOrchestration => Options.InterruptValuesInOrchestration ?? !Saver.Serializer.Encrypts;

    /// <summary>Compiles <paramref name="graph"/> on the registry's saver and registers it as <paramref name="name"/>.</summary>
    public CompiledGraph<TState> Add<TState>(string name, StateGraph<TState> graph, CompileOptions? options = null)
        where TState : class, new()
    {
        ArgumentNullException.ThrowIfNull(graph);
        var compiled = graph.Compile(Saver, options);
        Add(name, compiled);
        return compiled;
    }

    /// <summary>Registers a graph compiled on the registry's saver as <paramref name="name"/>.</summary>
    public void Add<TState>(string name, CompiledGraph<TState> graph)
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(graph);
        if (!ReferenceEquals(graph.Saver, Saver))
        {
            throw new ArgumentException("The graph must be compiled on the registry's saver.", nameof(graph));
        }

        if (!_graphs.TryAdd(name, new GraphSteps<TState>(graph)))
        {
            throw new ArgumentException($"A graph named '{name}' is already registered.", nameof(name));
        }
    }

    /// <summary>The step runner of the graph named <paramref name="name"/>.</summary>
    public IGraphSteps Steps(string name) =>
        _graphs.TryGetValue(name, out var steps) ? steps : throw new KeyNotFoundException($"No graph named '{name}' is registered.");

    /// <summary>The compiled graph named <paramref name="name"/> (for state and history reads).</summary>
    public CompiledGraph<TState> Graph<TState>(string name)
        where TState : class, new() =>
        Steps(name) is GraphSteps<TState> steps
            ? steps.Graph
            : throw new InvalidOperationException($"Graph '{name}' does not have state type {typeof(TState).Name}.");
}
