namespace Checkpoint.Storage;

/// <summary>An interrupt raised by a node and waiting for a resume value.</summary>
/// <param name="Id">Stable id of the interrupt (derived from the task id).</param>
/// <param name="Node">The node that raised it.</param>
/// <param name="TaskId">The task that raised it.</param>
/// <param name="Value">The serialized (enveloped) value the node passed to <c>Interrupt</c>.</param>
public sealed record InterruptRecord(string Id, string Node, string TaskId, byte[] Value);
