namespace Checkpoint.Cli.Decoding;

/// <summary>One stored chunk: its key within a thread and namespace, and its stored size.</summary>
internal readonly record struct StoredChunk(string Namespace, Guid BlobId, int Sequence, int Bytes);
