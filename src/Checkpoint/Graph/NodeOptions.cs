namespace Checkpoint;

/// <summary>Optional facts about a node that <c>Compile</c> checks, and how the engine runs it.</summary>
public sealed record NodeOptions
{
    /// <summary>
    /// The channels the node may write. When two nodes that can run in the same superstep both
    /// declare a last-value channel (no reducer), <c>Compile</c> reports the conflict.
    /// </summary>
    public IReadOnlyList<string> Writes { get; init; } = [];

    /// <summary>
    /// The nodes (or <see cref="Graph.End"/>) the node may send the run to with <see cref="Update{TState}.Goto"/>, routing and
    /// updating in one return. <c>Compile</c> checks they exist (a node with destinations needs no other edge out), and
    /// a run fails when the node goes anywhere else.
    /// </summary>
    public IReadOnlyList<string> Destinations { get; init; } = [];

    /// <summary>Runs the node again when it fails with an error the policy accepts (see <see cref="NodeRetryPolicy"/>); null: one attempt.</summary>
    public NodeRetryPolicy? Retry { get; init; }

    /// <summary>
    /// The longest one attempt of the node may run: then its <see cref="NodeContext.CancellationToken"/> is cancelled and
    /// the attempt fails with <see cref="NodeTimeoutException"/> (retried like any error when <see cref="Retry"/> accepts it,
    /// which the default does). Null: no limit.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Takes the node's update from <see cref="CompileOptions.NodeCache"/> when it already ran on the same input state (see <see cref="CachePolicy"/>); null: always runs.</summary>
    public CachePolicy? Cache { get; init; }
}
