namespace Checkpoint.Storage;

/// <summary>A checkpoint as read back from a saver, with the writes saved against it.</summary>
/// <param name="Checkpoint">The checkpoint record.</param>
/// <param name="PendingWrites">Writes saved against it, ordered by task id then index.</param>
public sealed record CheckpointTuple(CheckpointRecord Checkpoint, IReadOnlyList<PendingWrite> PendingWrites);
