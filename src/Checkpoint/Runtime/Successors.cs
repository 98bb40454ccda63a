using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>What runs in the superstep after a checkpoint: the next nodes, then the Sends (each a task of its own).</summary>
internal sealed record Successors(IReadOnlyList<string> Nodes, IReadOnlyList<SendRecord> Sends)
{
    public static Successors Of(CheckpointRecord record) => new(record.NextNodes, record.Sends);

    /// <summary>The node of every task: the next nodes, then one entry per Send (LangGraph's <c>next</c>).</summary>
    public static IReadOnlyList<string> TaskNodes(CheckpointRecord record) =>
        record.Sends.Count == 0 ? record.NextNodes : [.. record.NextNodes, .. record.Sends.Select(send => send.Node)];

    /// <summary>True when the superstep after <paramref name="record"/> has anything to run.</summary>
    public static bool Any(CheckpointRecord record) => record.NextNodes.Count > 0 || record.Sends.Count > 0;
}
