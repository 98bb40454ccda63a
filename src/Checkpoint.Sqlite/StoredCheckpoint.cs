namespace Checkpoint.Sqlite;

/// <summary>A checkpoint row as read, before its body is decoded.</summary>
internal sealed record StoredCheckpoint(long Scope, Guid Id, Guid? ParentId, byte[] Body, string ThreadId, string Namespace);
