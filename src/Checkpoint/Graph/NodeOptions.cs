namespace Checkpoint;

/// <summary>Optional facts about a node that <c>Compile</c> checks.</summary>
public sealed record NodeOptions
{
    /// <summary>
    /// The channels the node may write. When two nodes that can run in the same superstep both
    /// declare a last-value channel (no reducer), <c>Compile</c> reports the conflict.
    /// </summary>
    public IReadOnlyList<string> Writes { get; init; } = [];
}
