namespace Checkpoint.Storage;

/// <summary>
/// One update a finished task produced, saved against the checkpoint its step started from
/// before the step completes. Key: (checkpoint, task id, index); saving the same key again replaces it.
/// </summary>
/// <param name="TaskId">Deterministic id of the task (hash of checkpoint id, node and step).</param>
/// <param name="Node">The node the task ran.</param>
/// <param name="Index">Position of the write among the task's writes.</param>
/// <param name="Channel">The channel written, or one of <see cref="SpecialChannels"/>.</param>
/// <param name="Value">The serialized (enveloped) value.</param>
public sealed record PendingWrite(string TaskId, string Node, int Index, string Channel, byte[] Value);
