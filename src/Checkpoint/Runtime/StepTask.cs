using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>A task of the superstep after a checkpoint: one per next node, then one per Send.</summary>
/// <param name="Id">Its deterministic id.</param>
/// <param name="Node">The node it runs.</param>
/// <param name="SendIndex">Its index among the checkpoint's Sends; null for a next node.</param>
/// <param name="Argument">The Send's argument bytes; null for a next node.</param>
internal sealed record StepTask(string Id, string Node, int? SendIndex, byte[]? Argument)
{
    /// <summary>The tasks of the step after <paramref name="record"/>, in the order their writes are applied.</summary>
    public static List<StepTask> Of(CheckpointRecord record)
    {
        var step = record.Step + 1;
        var tasks = record.NextNodes.Distinct().Select(node => new StepTask(TaskIds.For(record.Id, node, step), node, null, null)).ToList();
        for (var i = 0; i < record.Sends.Count; i++)
        {
            var send = record.Sends[i];
            tasks.Add(new StepTask(TaskIds.ForSend(record.Id, send.Node, step, i), send.Node, i, send.Argument));
        }

        return tasks;
    }

    /// <summary>How the task is named to a person: the node, with the Send's index when it has one.</summary>
    public string Label => SendIndex is { } index ? $"{Node}[{index}]" : Node;
}
