namespace Checkpoint.Storage;

/// <summary>A stored <see cref="Send"/>: the node it runs and its argument as MessagePack bytes.</summary>
/// <param name="Node">The argument node the task runs.</param>
/// <param name="Argument">The argument's MessagePack bytes (no envelope: the record's own protects them).</param>
public sealed record SendRecord(string Node, byte[] Argument);
