namespace Checkpoint.Storage;

/// <summary>
/// The chunks of one blob whose sequence number is below <see cref="End"/>. For a chunked list
/// the sequence number of a chunk is the index of its first item, so <see cref="End"/> is the
/// number of items the run contributes; a plain blob is one chunk at sequence 0 (End = 1).
/// </summary>
/// <param name="BlobId">Id of the blob (a stream of chunks) within its thread and namespace.</param>
/// <param name="End">Exclusive upper bound of the chunk sequence numbers in the run.</param>
public readonly record struct BlobRun(Guid BlobId, int End);
