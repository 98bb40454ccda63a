using System.Runtime.CompilerServices;
using Checkpoint.Channels;
using Checkpoint.Runtime;
using Checkpoint.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpoint;

/// <summary>
/// A checked graph bound to a saver: runs it (a checkpoint after every superstep), reads any
/// checkpoint back, lists a thread's history, and forks it.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class CompiledGraph<TState>
    where TState : class, new()
{
    internal CompiledGraph(
        IReadOnlyDictionary<string, NodeSpec<TState>> nodes,
        IReadOnlyList<EdgeSpec<TState>> edges,
        StateSchema<TState> schema,
        CheckpointSaver saver,
        CompileOptions options,
        IReadOnlyList<CompactorSpec> compactors)
    {
        Compactors = compactors;
        Nodes = nodes;
        Edges = edges;
        Schema = schema;
        Saver = saver;
        Options = options;
        Codec = new StateCodec<TState>(schema, saver.Serializer);
        Writes = new WriteCodec<TState>(schema, saver.Serializer);
        NodeResults = Options.NodeCache is { } cache ? new NodeResultCache<TState>(cache, schema, saver.Serializer) : null;
        Logger = options.LoggerFactory?.CreateLogger("Checkpoint") ?? NullLogger.Instance;
        Steps = new StepRunner<TState>(this);
    }

    /// <summary>The same graph on another saver (a subgraph runs on its parent's).</summary>
    internal CompiledGraph<TState> WithSaver(CheckpointSaver saver) => new(Nodes, Edges, Schema, saver, Options, Compactors);

    /// <summary>Runs the graph one piece at a time, for hosts that schedule the pieces (Durable Task).</summary>
    public StepRunner<TState> Steps { get; }

    /// <summary>Where the checkpoints go.</summary>
    public CheckpointSaver Saver { get; }

    /// <summary>The options the graph was compiled with.</summary>
    public CompileOptions Options { get; }

    internal IReadOnlyDictionary<string, NodeSpec<TState>> Nodes { get; }

    internal IReadOnlyList<EdgeSpec<TState>> Edges { get; }

    internal StateSchema<TState> Schema { get; }

    internal StateCodec<TState> Codec { get; }

    /// <summary>The compactors declared on list channels, in declaration order.</summary>
    internal IReadOnlyList<CompactorSpec> Compactors { get; }

    internal WriteCodec<TState> Writes { get; }

    internal NodeResultCache<TState>? NodeResults { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Runs the graph on a thread until it ends or is interrupted, and returns the state it stopped
    /// with. <paramref name="input"/> is a <typeparamref name="TState"/> (its non-default properties
    /// go through the reducers), an <see cref="Update{TState}"/>, a <see cref="Command"/> (resume an
    /// interrupt), or null to continue the thread from its checkpoint (resume after a crash, a
    /// static interrupt, or fork from the past checkpoint in <see cref="RunConfig.CheckpointId"/>).
    /// The returned state shares nothing mutable with the engine and holds what
    /// <see cref="GetStateAsync(RunConfig, CancellationToken)"/> reads back from the last checkpoint.
    /// </summary>
    public async Task<TState> InvokeAsync(object? input, RunConfig config, CancellationToken cancellationToken = default)
    {
        var run = new GraphRun<TState>(this, config) { EmitStates = false };
        await foreach (var _ in run.RunAsync(input, cancellationToken).ConfigureAwait(false))
        {
        }

        return run.FinalValues!;
    }

    /// <summary>
    /// Like <see cref="InvokeAsync"/>, returning with the state where the run stopped and why: the checkpoint's config
    /// and the pending interrupts, so pause-and-resume code needs no second read.
    /// </summary>
    public async Task<RunResult<TState>> RunAsync(object? input, RunConfig config, CancellationToken cancellationToken = default)
    {
        var run = new GraphRun<TState>(this, config) { EmitStates = false };
        IReadOnlyList<Interrupt> interrupts = [];
        await foreach (var graphEvent in run.RunAsync(input, cancellationToken).ConfigureAwait(false))
        {
            if (graphEvent is RunInterrupted<TState> interrupted)
            {
                interrupts = interrupted.Interrupts;
            }
        }

        return new RunResult<TState>(run.FinalValues!, run.FinalConfig, run.FinalRecord!.Step, interrupts);
    }

    /// <summary>
    /// Like <see cref="InvokeAsync"/>, yielding as they happen: the custom events nodes send while they run
    /// (<see cref="NodeEmitted{TState}"/>, see <see cref="NodeContext.Emit"/>), each node's update
    /// (<see cref="NodeUpdated{TState}"/>), each step's full state (<see cref="StepCompleted{TState}"/>) and interrupts
    /// (<see cref="RunInterrupted{TState}"/>). Pick the kinds you want with <c>OfType</c>.
    /// </summary>
    public IAsyncEnumerable<GraphEvent<TState>> StreamAsync(object? input, RunConfig config, CancellationToken cancellationToken = default) =>
        new GraphRun<TState>(this, config) { Emitted = System.Threading.Channels.Channel.CreateUnbounded<GraphEvent<TState>>() }.RunAsync(input, cancellationToken);

    /// <summary>
    /// The threads in this graph's saver with their latest checkpoint at a glance (step, time, next nodes, whether it
    /// waits on an interrupt, metadata), filtered by <paramref name="query"/>: see <see cref="CheckpointSaver.ListThreadSummariesAsync"/>.
    /// </summary>
    public IAsyncEnumerable<ThreadSummary> ListThreadsAsync(ThreadQuery? query = null, CancellationToken cancellationToken = default) =>
        Saver.ListThreadSummariesAsync(query, cancellationToken);

    /// <summary>The snapshot at the config's checkpoint, or the thread's latest; null when there is none.</summary>
    public async Task<StateSnapshot<TState>?> GetStateAsync(RunConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tuple = await Saver.GetAsync(config.ThreadId, config.Namespace, config.CheckpointId, cancellationToken).ConfigureAwait(false);
        return tuple is null ? null : await SnapshotAsync(tuple, new ChunkCache(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="GetStateAsync(RunConfig, CancellationToken)"/>; with <paramref name="subgraphs"/>, each next task of a
    /// subgraph node carries the latest snapshot of its subgraph run in <see cref="PendingTask.State"/> (a paused or failed
    /// subgraph shows where it stopped).
    /// </summary>
    public async Task<StateSnapshot<TState>?> GetStateAsync(RunConfig config, bool subgraphs, CancellationToken cancellationToken = default)
    {
        var snapshot = await GetStateAsync(config, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || !subgraphs)
        {
            return snapshot;
        }

        var tasks = new List<PendingTask>(snapshot.Tasks.Count);
        foreach (var task in snapshot.Tasks)
        {
            tasks.Add(Nodes.TryGetValue(task.Node, out var spec) && spec.Subgraph is { } subgraph
                ? task with { State = await subgraph.SnapshotAsync(Saver, config.ThreadId, config.Namespace, task.Id, cancellationToken).ConfigureAwait(false) }
                : task);
        }

        return snapshot with { Tasks = tasks };
    }

    /// <summary>The snapshot of any checkpoint, found by its id alone; null when there is none.</summary>
    public async Task<StateSnapshot<TState>?> GetStateAsync(Guid checkpointId, CancellationToken cancellationToken = default)
    {
        var tuple = await Saver.GetByIdAsync(checkpointId, cancellationToken).ConfigureAwait(false);
        return tuple is null ? null : await SnapshotAsync(tuple, new ChunkCache(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Blocking form of <see cref="GetStateAsync(Guid, CancellationToken)"/>.</summary>
    public StateSnapshot<TState>? GetState(Guid checkpointId) => GetStateAsync(checkpointId).GetAwaiter().GetResult();

    /// <summary>The thread's checkpoints, newest first, as snapshots (each chunk is read once).</summary>
    public async IAsyncEnumerable<StateSnapshot<TState>> GetStateHistoryAsync(
        RunConfig config, HistoryFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var cache = new ChunkCache();
        var query = new CheckpointFilter
        {
            ThreadId = config.ThreadId,
            Namespace = config.Namespace,
            Metadata = filter?.Metadata,
            Before = filter?.Before,
            Limit = filter?.Limit,
        };
        await foreach (var tuple in Saver.ListAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return await SnapshotAsync(tuple, cache, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes <paramref name="update"/> as if node <paramref name="asNode"/> had returned it, in a new
    /// checkpoint after the config's checkpoint (a new branch when that is a past one; the old
    /// branch stays as it was). With <paramref name="asNode"/>, the next nodes are that node's
    /// successors; without, they stay those of the checkpoint. Returns the new checkpoint's config.
    /// </summary>
    public async Task<RunConfig> UpdateStateAsync(
        RunConfig config, Update<TState> update, string? asNode = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(update);
        if (asNode is not null && !Nodes.ContainsKey(asNode))
        {
            throw new GraphValidationException($"asNode '{asNode}' is not a node of this graph.");
        }

        var id = await new GraphRun<TState>(this, config).UpdateAsync(update, asNode, cancellationToken).ConfigureAwait(false);
        return config with { CheckpointId = id };
    }

    /// <summary>
    /// The graph as a Mermaid flowchart (paste it into a <c>```mermaid</c> block of a markdown file): fixed edges solid,
    /// a router's edges dotted to its declared targets, or to every node and the end when it declared none.
    /// </summary>
    public string ToMermaid() => Runtime.MermaidWriter.Write(Nodes, Edges);

    /// <summary>Calls the <see cref="CompileOptions.RunEndedHandlers"/> in order.</summary>
    internal async Task NotifyRunEndedAsync(RunEnded ended, CancellationToken cancellationToken)
    {
        foreach (var handler in Options.RunEndedHandlers)
        {
            await handler(ended, cancellationToken).ConfigureAwait(false);
        }
    }

    internal async Task<Dictionary<string, object?>> LoadValuesAsync(CheckpointRecord record, ChunkCache cache, CancellationToken cancellationToken)
    {
        await cache.LoadAsync(Saver, record, cancellationToken).ConfigureAwait(false);
        return Codec.Decode(record, cache);
    }

    private async Task<StateSnapshot<TState>> SnapshotAsync(CheckpointTuple tuple, ChunkCache cache, CancellationToken cancellationToken)
    {
        var values = await LoadValuesAsync(tuple.Checkpoint, cache, cancellationToken).ConfigureAwait(false);
        return SnapshotBuilder.Build(tuple, Schema.Materialize(values, Saver.Serializer), Writes);
    }
}
