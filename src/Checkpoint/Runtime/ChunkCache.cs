using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Chunks read from a saver, kept for the life of one read (a history listing reads each chunk
/// once however many checkpoints share it).
/// </summary>
internal sealed class ChunkCache
{
    private readonly Dictionary<Guid, SortedDictionary<int, byte[]>> _chunks = [];
    private readonly Dictionary<Guid, int> _fetchedEnd = [];
    private readonly Dictionary<(Guid, int), object?> _decoded = [];
    private readonly Dictionary<Guid, (object Value, int Count)> _longest = [];

    /// <summary>Reads from the saver the runs of <paramref name="record"/> not already held.</summary>
    public async Task LoadAsync(CheckpointSaver saver, CheckpointRecord record, CancellationToken cancellationToken)
    {
        var missing = record.Channels.Values
            .SelectMany(channel => channel.Runs)
            .Where(run => _fetchedEnd.GetValueOrDefault(run.BlobId) < run.End)
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var chunks = await saver.ReadChunksAsync(record.ThreadId, record.Namespace, missing, cancellationToken).ConfigureAwait(false);
        Add(chunks);
        foreach (var run in missing)
        {
            _fetchedEnd[run.BlobId] = Math.Max(run.End, _fetchedEnd.GetValueOrDefault(run.BlobId));
        }
    }

    private void Add(IEnumerable<BlobChunk> chunks)
    {
        foreach (var chunk in chunks)
        {
            if (!_chunks.TryGetValue(chunk.BlobId, out var bySequence))
            {
                _chunks[chunk.BlobId] = bySequence = [];
            }

            bySequence[chunk.Sequence] = chunk.Data;
        }
    }

    /// <summary>The chunks of a run, in sequence order.</summary>
    public IEnumerable<(int Sequence, byte[] Data)> Run(BlobRun run) =>
        _chunks.TryGetValue(run.BlobId, out var bySequence)
            ? bySequence.Where(c => c.Key < run.End).Select(c => (c.Key, c.Value))
            : [];

    /// <summary>The longest list value built so far from one blob, if any.</summary>
    public object? LongestValue(Guid blobId) => _longest.TryGetValue(blobId, out var longest) ? longest.Value : null;

    /// <summary>Keeps <paramref name="value"/> when it is the longest list built from the blob.</summary>
    public void RememberLongest(Guid blobId, object value, int count)
    {
        if (!_longest.TryGetValue(blobId, out var longest) || longest.Count < count)
        {
            _longest[blobId] = (value, count);
        }
    }

    /// <summary>A decoded chunk, decoding it on first use.</summary>
    public object? Decoded(Guid blobId, int sequence, Func<object?> decode)
    {
        if (!_decoded.TryGetValue((blobId, sequence), out var value))
        {
            _decoded[(blobId, sequence)] = value = decode();
        }

        return value;
    }
}
