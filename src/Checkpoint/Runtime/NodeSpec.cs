namespace Checkpoint.Runtime;

/// <summary>A node as added to a graph; <paramref name="ArgumentType"/> is set for a node that runs only through <see cref="Send"/>s.</summary>
internal sealed record NodeSpec<TState>(
    string Name,
    Func<TState, NodeContext, Task<Update<TState>>> Run,
    NodeOptions Options,
    Type? ArgumentType = null,
    ISubgraphNode? Subgraph = null);
