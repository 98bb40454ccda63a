using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Checkpoint.Channels;
using Checkpoint.Compaction;
using Checkpoint.Runtime;
using Checkpoint.Storage;

namespace Checkpoint;

/// <summary>
/// Builds a graph of steps over a state type <typeparamref name="TState"/>: each public read/write
/// property is a channel (last value by default; see <see cref="AppendAttribute"/>,
/// <see cref="MergeByKeyAttribute"/> and <see cref="WithReducer{TValue}"/>). Nodes return
/// <see cref="Update{TState}"/>s; <see cref="Compile"/> checks the graph and binds it to a saver.
/// A node or router changes the state only through the update it returns: the state it receives is
/// its own (immutable values are shared, everything else is a fresh copy), and the values of its
/// update are taken by value, so changing those objects afterwards changes nothing.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public sealed class StateGraph<TState>
    where TState : class, new()
{
    private readonly Dictionary<string, NodeSpec<TState>> _nodes = new(StringComparer.Ordinal);
    private readonly List<EdgeSpec<TState>> _edges = [];
    private readonly Dictionary<string, Func<object?, object?, object?>> _reducers = new(StringComparer.Ordinal);
    private readonly List<CompactorSpec> _compactors = [];

    /// <summary>Adds an asynchronous node that can use its <see cref="NodeContext"/>.</summary>
    /// <remarks>Preferred over the synchronous overloads for a lambda that fits both (one that only throws).</remarks>
    [OverloadResolutionPriority(1)]
    public StateGraph<TState> AddNode(string name, Func<TState, NodeContext, Task<Update<TState>>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Add(name, node, options, argumentType: null);
    }

    /// <summary>
    /// Adds a node that runs once per <see cref="Send"/> addressed to it (map-reduce): each task gets the state and
    /// its Send's argument. Reach it from a fan-out edge (<see cref="AddConditionalEdges(string, Func{TState, IEnumerable{Send}}, IReadOnlyList{string})"/>),
    /// not from a plain edge. Its Sends run in parallel, so it may not declare writes to a channel without a reducer.
    /// </summary>
    public StateGraph<TState> AddNode<TArg>(string name, Func<TState, TArg, NodeContext, Task<Update<TState>>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Add(name, (state, context) => node(state, (TArg)context.ReadArgument()!, context), options, typeof(TArg));
    }

    /// <summary>Adds an asynchronous node run once per <see cref="Send"/>; see <see cref="AddNode{TArg}(string, Func{TState, TArg, NodeContext, Task{Update{TState}}}, NodeOptions?)"/>.</summary>
    [OverloadResolutionPriority(1)]
    public StateGraph<TState> AddNode<TArg>(string name, Func<TState, TArg, Task<Update<TState>>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNode<TArg>(name, (state, argument, _) => node(state, argument), options);
    }

    /// <summary>Adds a synchronous node run once per <see cref="Send"/>; see <see cref="AddNode{TArg}(string, Func{TState, TArg, NodeContext, Task{Update{TState}}}, NodeOptions?)"/>.</summary>
    public StateGraph<TState> AddNode<TArg>(string name, Func<TState, TArg, Update<TState>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNode<TArg>(name, (state, argument, _) => Task.FromResult(node(state, argument)), options);
    }

    /// <summary>
    /// Adds a node that runs <paramref name="subgraph"/> (a graph over the same state) as one task: it gets the node's state,
    /// and what it changed comes back as the node's update (the items it appended to an [Append] list; the final value of
    /// any other channel it changed). Its checkpoints go under this graph's thread in the namespace <c>node:taskId</c>, on
    /// this graph's saver; an interrupt inside it pauses this graph, and <c>Command.Resume</c> resumes it there. A task run
    /// again (after a crash, an error or a resume) continues its subgraph run where it stopped.
    /// </summary>
    public StateGraph<TState> AddSubgraph(string name, CompiledGraph<TState> subgraph, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(subgraph);
        return AddSubgraph(name, subgraph, state => state, (given, final) => SubgraphOutput.Delta(subgraph.Schema, subgraph.Saver.Serializer, given, final), options);
    }

    /// <summary>
    /// Adds a node that runs <paramref name="subgraph"/>, a graph over another state type: <paramref name="input"/> makes its
    /// input from this graph's state, and <paramref name="output"/> turns its final state into this node's update. See
    /// <see cref="AddSubgraph(string, CompiledGraph{TState}, NodeOptions?)"/>.
    /// </summary>
    public StateGraph<TState> AddSubgraph<TChild>(
        string name, CompiledGraph<TChild> subgraph, Func<TState, TChild> input, Func<TState, TChild, Update<TState>> output, NodeOptions? options = null)
        where TChild : class, new()
    {
        ArgumentNullException.ThrowIfNull(subgraph);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (subgraph.Options.InterruptBefore.Count + subgraph.Options.InterruptAfter.Count > 0)
        {
            throw new GraphValidationException($"Subgraph '{name}' has static interrupts (InterruptBefore/After): pause it from a node with ctx.Interrupt instead.");
        }

        var node = new SubgraphNode<TState, TChild>(name, subgraph, input, output);
        return Add(name, node.RunAsync, options, argumentType: null, node);
    }

    private StateGraph<TState> Add(
        string name, Func<TState, NodeContext, Task<Update<TState>>> node, NodeOptions? options, Type? argumentType, ISubgraphNode? subgraph = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name is Graph.Start or Graph.End || name.StartsWith("__", StringComparison.Ordinal))
        {
            throw new GraphValidationException($"'{name}' is a reserved name; node names may not start with '__'.");
        }

        options?.Retry?.Validate(name);
        if (options?.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Node '{name}': NodeOptions.Timeout must be positive, not {timeout}.", nameof(options));
        }

        if (!_nodes.TryAdd(name, new NodeSpec<TState>(name, node, options ?? new NodeOptions(), argumentType, subgraph)))
        {
            throw new GraphValidationException($"A node named '{name}' was already added.");
        }

        return this;
    }

    /// <summary>Adds a synchronous node that can use its <see cref="NodeContext"/> (its interrupts, services, task id).</summary>
    public StateGraph<TState> AddNode(string name, Func<TState, NodeContext, Update<TState>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNode(name, (state, context) => Task.FromResult(node(state, context)), options);
    }

    /// <summary>Adds an asynchronous node.</summary>
    [OverloadResolutionPriority(1)]
    public StateGraph<TState> AddNode(string name, Func<TState, Task<Update<TState>>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNode(name, (state, _) => node(state), options);
    }

    /// <summary>Adds a synchronous node.</summary>
    public StateGraph<TState> AddNode(string name, Func<TState, Update<TState>> node, NodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return AddNode(name, (state, _) => Task.FromResult(node(state)), options);
    }

    /// <summary>After <paramref name="from"/> runs, <paramref name="to"/> runs in the next superstep.</summary>
    public StateGraph<TState> AddEdge(string from, string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        _edges.Add(new EdgeSpec<TState>(from, to, null, null));
        return this;
    }

    /// <summary>
    /// After <paramref name="from"/> runs, <paramref name="router"/> picks the next node from the
    /// updated state (<see cref="Graph.End"/> to finish). <paramref name="possibleTargets"/>, when
    /// given, lets <c>Compile</c> check the targets.
    /// </summary>
    [OverloadResolutionPriority(1)] // a router lambda that fits both (returns null, or only throws) is this one
    public StateGraph<TState> AddConditionalEdges(string from, Func<TState, string> router, IReadOnlyList<string>? possibleTargets = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        return AddConditionalEdges(from, state => [router(state)], possibleTargets);
    }

    /// <summary>Like <see cref="AddConditionalEdges(string, Func{TState, string}, IReadOnlyList{string})"/>, fanning out to several nodes.</summary>
    public StateGraph<TState> AddConditionalEdges(string from, Func<TState, IEnumerable<string>> router, IReadOnlyList<string>? possibleTargets = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentNullException.ThrowIfNull(router);
        _edges.Add(new EdgeSpec<TState>(from, null, router, possibleTargets));
        return this;
    }

    /// <summary>
    /// A fan-out edge: after <paramref name="from"/> runs, <paramref name="router"/> returns the <see cref="Send"/>s of the
    /// next superstep, one task each, run in parallel with the next nodes of other edges (map); their writes are merged by
    /// the channels' reducers in the order of the Sends (reduce). No Sends sends nothing. Each Send's node must be an
    /// argument node (<c>AddNode&lt;TArg&gt;</c>); <paramref name="possibleTargets"/>, when given, lets <c>Compile</c> check it.
    /// </summary>
    /// <remarks>A router that fits both this and the node-name overload (one that returns <c>[]</c>) is the node-name one: either way nothing runs.</remarks>
    [OverloadResolutionPriority(-1)]
    public StateGraph<TState> AddConditionalEdges(string from, Func<TState, IEnumerable<Send>> router, IReadOnlyList<string>? possibleTargets = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentNullException.ThrowIfNull(router);
        _edges.Add(new EdgeSpec<TState>(from, null, null, possibleTargets, router));
        return this;
    }

    /// <summary>Combines values written to <paramref name="channel"/> with <paramref name="reducer"/>(current, update).</summary>
    public StateGraph<TState> WithReducer<TValue>(Expression<Func<TState, TValue>> channel, Func<TValue, TValue, TValue> reducer)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reducer);
        var name = (channel.Body as MemberExpression)?.Member.Name
            ?? throw new ArgumentException($"'{channel}' does not select a state property.", nameof(channel));
        _reducers[name] = (current, update) => reducer((TValue)current!, (TValue)update!);
        return this;
    }

    /// <summary>
    /// Compacts the <c>[Append]</c> list <paramref name="channel"/> with <paramref name="compactor"/> whenever
    /// <paramref name="trigger"/> fires on its value: after a step's checkpoint (and when a run resumes
    /// from a checkpoint that has no interrupts and no pending writes), the engine writes a checkpoint of
    /// source <see cref="CheckpointSource.Compact"/> holding the compacted list, and the run continues
    /// from it. Forking from an earlier checkpoint gets the full list back. See <see cref="ListCompactors"/>.
    /// <c>Compile</c> refuses a compactor on a channel that is not an <c>[Append]</c> list of <typeparamref name="TItem"/>.
    /// </summary>
    public StateGraph<TState> WithCompactor<TItem>(
        Expression<Func<TState, IEnumerable<TItem>>> channel, IListCompactor<TItem> compactor, CompactionTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(compactor);
        ArgumentNullException.ThrowIfNull(trigger);
        var body = channel.Body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert ? convert.Operand : channel.Body;
        var name = (body as MemberExpression)?.Member.Name
            ?? throw new ArgumentException($"'{channel}' does not select a state property.", nameof(channel));
        if (_compactors.Any(c => c.Channel == name))
        {
            throw new GraphValidationException($"A compactor was already declared on '{name}'.");
        }

        _compactors.Add(CompactorSpec.For(name, compactor, trigger));
        return this;
    }

    /// <summary>
    /// Checks the graph and binds it to <paramref name="saver"/>. Throws
    /// <see cref="GraphValidationException"/> naming the problem: an edge to or from an unknown
    /// node, no edge from the start, a node with no way out, an unknown interrupt node, a
    /// last-value channel declared as written by two nodes that can run in the same superstep, or a
    /// state member that cannot be stored faithfully: declared as <c>object</c>, a delegate, or an
    /// interface or abstract class without MessagePack <c>[Union]</c> attributes, anywhere in the
    /// types a property holds (the message names the property and the path to the member), or a
    /// compactor (<see cref="WithCompactor{TItem}"/> or <see cref="KeepLastAttribute"/>) on a property that is
    /// not an <c>[Append]</c> list of the compactor's items, or two on one property.
    /// </summary>
    public CompiledGraph<TState> Compile(CheckpointSaver saver, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(saver);
        options ??= new CompileOptions();
        var schema = new StateSchema<TState>(_reducers, options.Migrations);
        GraphValidator.Validate(_nodes, _edges, schema, options, saver.Serializer.HasOwnFormatter);
        var compactors = GraphValidator.ValidateCompactors(_compactors, schema);
        return new CompiledGraph<TState>(
            new Dictionary<string, NodeSpec<TState>>(_nodes, StringComparer.Ordinal), [.. _edges], schema, saver, options, compactors);
    }
}
