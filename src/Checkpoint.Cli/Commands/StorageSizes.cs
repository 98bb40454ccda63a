using Checkpoint.Storage;

namespace Checkpoint.Cli.Commands;

/// <summary>
/// What a thread occupies, per channel, without decoding anything: inline values (stored in every record that
/// holds them), each stored chunk once however many checkpoints share it, and pending writes. The records' own
/// fields (ids, versions, metadata) are not counted: no saver exposes their stored size.
/// </summary>
internal sealed class StorageSizes
{
    private readonly HashSet<(string Namespace, Guid Blob, int Sequence)> _counted = [];
    private readonly Dictionary<(string Namespace, Guid Blob), (int Start, int End)> _fetched = [];

    public Dictionary<string, long> ByChannel { get; } = new(StringComparer.Ordinal);

    public long InlineBytes { get; private set; }

    public long ChunkBytes { get; private set; }

    public long WriteBytes { get; private set; }

    public long Total => InlineBytes + ChunkBytes + WriteBytes;

    public int Checkpoints { get; private set; }

    public int Chunks => _counted.Count;

    /// <summary>Measures every checkpoint of a thread.</summary>
    public static async Task<StorageSizes> MeasureAsync(CheckpointSaver saver, string threadId, CancellationToken cancellationToken)
    {
        var sizes = new StorageSizes();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }, cancellationToken).ConfigureAwait(false))
        {
            await sizes.AddAsync(saver, tuple, cancellationToken).ConfigureAwait(false);
        }

        return sizes;
    }

    private async Task AddAsync(CheckpointSaver saver, CheckpointTuple tuple, CancellationToken cancellationToken)
    {
        var record = tuple.Checkpoint;
        Checkpoints++;
        var owner = new Dictionary<Guid, string>();
        var runs = new List<BlobRun>();
        foreach (var (name, stored) in record.Channels)
        {
            if (stored.Inline is { } inline)
            {
                InlineBytes += inline.Length;
                Add(name, inline.Length);
            }

            foreach (var run in stored.Runs)
            {
                owner[run.BlobId] = name;
                var key = (record.Namespace, run.BlobId);
                if (_fetched.TryGetValue(key, out var had) && had.Start <= run.Start && had.End >= run.End)
                {
                    continue;
                }

                _fetched[key] = had.End > 0 ? (Math.Min(had.Start, run.Start), Math.Max(had.End, run.End)) : (run.Start, run.End);
                runs.Add(run);
            }
        }

        foreach (var chunk in await saver.ReadChunksAsync(record.ThreadId, record.Namespace, runs, cancellationToken).ConfigureAwait(false))
        {
            if (_counted.Add((record.Namespace, chunk.BlobId, chunk.Sequence)))
            {
                ChunkBytes += chunk.Data.Length;
                Add(owner.GetValueOrDefault(chunk.BlobId, "?"), chunk.Data.Length);
            }
        }

        foreach (var write in tuple.PendingWrites)
        {
            WriteBytes += write.Value.Length;
            Add(SpecialChannels.IsSpecial(write.Channel) ? "(control writes)" : write.Channel + " (writes)", write.Value.Length);
        }
    }

    private void Add(string channel, long bytes) => ByChannel[channel] = ByChannel.GetValueOrDefault(channel) + bytes;
}
