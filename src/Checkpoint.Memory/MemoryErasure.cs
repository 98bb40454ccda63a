namespace Checkpoint.Memory;

/// <summary>What <see cref="MemoryStore.EraseSubjectAsync"/> removed from one memory store.</summary>
/// <param name="SubjectId">The subject erased.</param>
/// <param name="Items">Memory items removed (with their vectors and keyword-index entries).</param>
/// <param name="HistoryRows">History rows removed (the subject's items' changes, including old texts).</param>
/// <param name="Scrubbed">
/// True when the backend also removed the freed bytes from its files (SQLite: secure delete, VACUUM and a
/// truncating WAL checkpoint; PostgreSQL: VACUUM FULL of the memory tables; markdown: files rewritten);
/// false when the store was told to defer that (see its options).
/// </param>
public sealed record MemoryErasure(string SubjectId, int Items, int HistoryRows, bool Scrubbed);
