namespace Checkpoint.Storage;

/// <summary>
/// The items <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive) of one blob. For a
/// chunked list the sequence number of a chunk is the index of its first item, so a run is "the items
/// of the chunks whose sequence is below <see cref="End"/>, from item <see cref="Start"/> on"; a plain
/// blob is one chunk at sequence 0 (End = 1). A run starts past 0 when a compaction kept only the tail
/// of a list: the kept items are referenced where they already are, never written again.
/// </summary>
/// <param name="BlobId">Id of the blob (a stream of chunks) within its thread and namespace.</param>
/// <param name="End">Exclusive upper bound of the item (chunk sequence) range of the run.</param>
public readonly record struct BlobRun(Guid BlobId, int End)
{
    /// <summary>Index of the first item of the blob the run contributes (0 unless a compaction dropped a prefix).</summary>
    public int Start { get; init; }

    /// <summary>The number of items the run contributes.</summary>
    public int Count => End - Start;
}
