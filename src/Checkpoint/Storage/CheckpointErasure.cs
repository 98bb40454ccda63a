namespace Checkpoint.Storage;

/// <summary>What <see cref="CheckpointSaver.EraseSubjectAsync"/> removed from one saver.</summary>
/// <param name="SubjectId">The subject erased.</param>
/// <param name="Threads">Threads deleted (every namespace, checkpoint, chunk and pending write of each).</param>
/// <param name="Checkpoints">Checkpoints those threads held.</param>
/// <param name="Scrubbed">
/// True when the saver also removed the freed bytes from its files (SQLite: <c>VACUUM</c> and a truncating WAL
/// checkpoint; PostgreSQL: <c>VACUUM FULL</c> of its tables; memory and Redis: the data is gone once deleted);
/// false when the saver was told to defer it or cannot.
/// </param>
public sealed record CheckpointErasure(string SubjectId, int Threads, int Checkpoints, bool Scrubbed);
