namespace Checkpoint.Runtime;

/// <summary>A node as added to a graph.</summary>
internal sealed record NodeSpec<TState>(
    string Name,
    Func<TState, NodeContext, Task<Update<TState>>> Run,
    NodeOptions Options);
