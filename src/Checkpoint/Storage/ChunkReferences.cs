namespace Checkpoint.Storage;

/// <summary>
/// Which chunks a set of checkpoints needs: per blob id, the highest run end that references it.
/// Savers use it to collect unreferenced chunks after a prune.
/// </summary>
public sealed class ChunkReferences
{
    private readonly Dictionary<Guid, int> _endByBlob = [];

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
                _endByBlob[run.BlobId] = Math.Max(run.End, _endByBlob.GetValueOrDefault(run.BlobId));
            }
        }
    }

    /// <summary>True when some checkpoint needs the chunk.</summary>
    public bool IsReferenced(Guid blobId, int sequence) =>
        _endByBlob.TryGetValue(blobId, out var end) && sequence < end;

    /// <summary>Every referenced blob id with the end of the referenced sequence range.</summary>
    public IReadOnlyDictionary<Guid, int> EndByBlob => _endByBlob;
}
