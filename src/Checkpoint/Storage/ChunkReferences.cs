namespace Checkpoint.Storage;

/// <summary>
/// Which chunks a set of checkpoints needs: per blob id, the range of items from the lowest run start
/// to the highest run end that references it. Savers use it to collect unreferenced chunks after a
/// prune: the chunks past the end, and (once a compaction dropped a list's prefix) the chunks wholly
/// before the start. A chunk between two referenced runs of one blob is kept (rare; never unsafe).
/// </summary>
public sealed class ChunkReferences
{
    private readonly Dictionary<Guid, (int Start, int End)> _rangeByBlob = [];

    /// <summary>The chunks needed by the given checkpoints.</summary>
    public static ChunkReferences Of(IEnumerable<CheckpointRecord> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var references = new ChunkReferences();
        foreach (var checkpoint in checkpoints)
        {
            references.Add(checkpoint);
        }

        return references;
    }

    /// <summary>Adds the chunks one checkpoint needs.</summary>
    public void Add(CheckpointRecord checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        foreach (var channel in checkpoint.Channels.Values)
        {
            foreach (var run in channel.Runs)
            {
                _rangeByBlob[run.BlobId] = _rangeByBlob.TryGetValue(run.BlobId, out var range)
                    ? (Math.Min(range.Start, run.Start), Math.Max(range.End, run.End))
                    : (run.Start, run.End);
            }
        }
    }

    /// <summary>
    /// True when some checkpoint needs the chunk at <paramref name="sequence"/>, which holds the items up
    /// to the next chunk's sequence (<paramref name="nextSequence"/>; null when it is the blob's last chunk).
    /// </summary>
    public bool IsReferenced(Guid blobId, int sequence, int? nextSequence) =>
        _rangeByBlob.TryGetValue(blobId, out var range) && sequence < range.End && (nextSequence is not { } next || next > range.Start);

    /// <summary>The sequences, among a blob's stored chunks, of the chunks no checkpoint needs, in order.</summary>
    public IEnumerable<int> Unreferenced(Guid blobId, IEnumerable<int> storedSequences)
    {
        ArgumentNullException.ThrowIfNull(storedSequences);
        var sorted = storedSequences.Order().ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (!IsReferenced(blobId, sorted[i], i + 1 < sorted.Length ? sorted[i + 1] : null))
            {
                yield return sorted[i];
            }
        }
    }

    /// <summary>Every referenced blob id with the referenced item range (lowest start, highest end).</summary>
    public IReadOnlyDictionary<Guid, (int Start, int End)> RangeByBlob => _rangeByBlob;
}
