namespace Checkpoint.Storage;

/// <summary>
/// Where a blob's chunks live: storage keys chunks by (thread, namespace, blob id, sequence), and a
/// copied thread keeps its blob ids, so the blob id alone is not unique.
/// </summary>
internal readonly record struct ChunkBlobKey(string ThreadId, string Namespace, Guid BlobId);
