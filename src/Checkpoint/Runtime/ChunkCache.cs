using System.IO.Hashing;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Chunks needed by one read (a snapshot, or a history listing that reads each chunk once however
/// many checkpoints share it). Runs whose content the saver's shared <see cref="ChunkContentCache"/>
/// already holds are not read from storage at all.
/// </summary>
internal sealed class ChunkCache
{
    private readonly Dictionary<Guid, SortedDictionary<int, byte[]>> _chunks = [];
    private readonly Dictionary<Guid, (int Start, int End)> _fetched = [];
    private readonly Dictionary<(Guid, int), CachedChunk> _unwrapped = [];
    private readonly Dictionary<Guid, (object Value, int Count)> _longest = [];
    private readonly Dictionary<ChunkBlobKey, (int End, CachedChunk[] Chunks)> _pinned = [];
    private ChunkContentCache _shared = new(0);

    /// <summary>Reads from the saver the runs of <paramref name="record"/> neither this read nor the saver's cache holds.</summary>
    public async Task LoadAsync(CheckpointSaver saver, CheckpointRecord record, CancellationToken cancellationToken)
    {
        _shared = saver.ChunkContents;
        var missing = new List<BlobRun>();
        foreach (var run in record.Channels.Values.SelectMany(channel => channel.Runs))
        {
            var key = new ChunkBlobKey(record.ThreadId, record.Namespace, run.BlobId);
            if (Fetched(run) || Pinned(key, run) is not null)
            {
                continue;
            }

            // Held from here to the end of this read, whatever the saver's cache evicts meanwhile.
            if (_shared.TryGetEntry(key, run.Start, run.End) is { } entry)
            {
                _pinned[key] = entry;
            }
            else
            {
                missing.Add(run);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        var chunks = await saver.ReadChunksAsync(record.ThreadId, record.Namespace, missing, cancellationToken).ConfigureAwait(false);
        Add(chunks);
        foreach (var run in missing)
        {
            // Ranges of one blob read by one listing overlap (a history shares its prefixes): keep their union.
            _fetched[run.BlobId] = _fetched.TryGetValue(run.BlobId, out var had) && had.Start <= run.End && run.Start <= had.End
                ? (Math.Min(had.Start, run.Start), Math.Max(had.End, run.End))
                : (run.Start, run.End);
        }
    }

    /// <summary>
    /// The content of the chunks holding a run's items, in sequence order: from the saver's cache when it
    /// holds the run, otherwise from the chunks this read loaded, unwrapping each one (once) with
    /// <paramref name="unwrap"/>. The first chunk may start before the run and the last may reach past
    /// it (a repacked block holds many steps' items); the caller takes the run's items from them.
    /// </summary>
    public IReadOnlyList<CachedChunk> Contents(ChunkBlobKey key, BlobRun run, Func<int, byte[], CachedChunk> unwrap)
    {
        if (Pinned(key, run) is { } cached)
        {
            return cached;
        }

        // Content the saver holds for a shorter run of the blob is reused: only the new tail is unwrapped.
        var held = _shared.Held(key);
        var contents = new List<CachedChunk>();
        foreach (var (sequence, data) in Run(run))
        {
            var fingerprint = XxHash3.HashToUInt64(data);
            if (!_unwrapped.TryGetValue((run.BlobId, sequence), out var chunk) || chunk.Fingerprint != fingerprint)
            {
                chunk = FindHeld(held, sequence, fingerprint) ?? unwrap(sequence, data) with { Fingerprint = fingerprint };
                _unwrapped[(run.BlobId, sequence)] = chunk;
            }

            contents.Add(chunk);
        }

        return contents;
    }

    /// <summary>Offers a run's checked content to the saver's cache.</summary>
    public void Remember(ChunkBlobKey key, BlobRun run, IReadOnlyList<CachedChunk> contents)
    {
        if (contents is List<CachedChunk> read)
        {
            _shared.Add(key, run.End, [.. read]);
        }
    }

    /// <summary>The longest list value built so far from one blob, if any.</summary>
    public object? LongestValue(Guid blobId) => _longest.TryGetValue(blobId, out var longest) ? longest.Value : null;

    /// <summary>The saver's cached list value of a blob with at least <paramref name="end"/> items, if any.</summary>
    public object? SharedLongestValue(ChunkBlobKey key, Type itemType, int end) => _shared.TryGetAssembled(key, itemType, end);

    /// <summary>Offers a list value assembled from a blob's chunks to the saver's cache (immutable lists of immutable items only).</summary>
    public void RememberShared(ChunkBlobKey key, Type itemType, object value, int count) => _shared.RememberAssembled(key, itemType, value, count);

    /// <summary>Keeps <paramref name="value"/> when it is the longest list built from the blob.</summary>
    public void RememberLongest(Guid blobId, object value, int count)
    {
        if (!_longest.TryGetValue(blobId, out var longest) || longest.Count < count)
        {
            _longest[blobId] = (value, count);
        }
    }

    private bool Fetched(BlobRun run) =>
        _fetched.TryGetValue(run.BlobId, out var fetched) && fetched.Start <= run.Start && fetched.End >= run.End;

    /// <summary>The pinned chunks holding a run's items, when the pinned entry covers the run.</summary>
    private IReadOnlyList<CachedChunk>? Pinned(ChunkBlobKey key, BlobRun run) =>
        _pinned.TryGetValue(key, out var pinned) && pinned.End >= run.End
        && pinned.Chunks.Length > 0 && pinned.Chunks[0].Sequence <= run.Start
            ? ChunkContentCache.Covering(pinned.Chunks, run.Start, run.End)
            : null;

    /// <summary>The held content of the chunk at <paramref name="sequence"/>, if it came from the same stored bytes.</summary>
    private static CachedChunk? FindHeld(IReadOnlyList<CachedChunk> held, int sequence, ulong fingerprint)
    {
        // Chunks are in sequence order: a binary search finds the one starting at this sequence.
        int low = 0, high = held.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var at = held[middle].Sequence;
            if (at == sequence)
            {
                return held[middle].Fingerprint == fingerprint ? held[middle] : null;
            }

            if (at < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>The chunks this read loaded that hold a run's items, in sequence order.</summary>
    private IEnumerable<(int Sequence, byte[] Data)> Run(BlobRun run)
    {
        if (!_chunks.TryGetValue(run.BlobId, out var bySequence))
        {
            return [];
        }

        // The chunk holding item Start is the last one at or before it.
        var first = run.Start == 0 ? 0 : bySequence.Keys.LastOrDefault(sequence => sequence <= run.Start);
        return bySequence.Where(c => c.Key >= first && c.Key < run.End).Select(c => (c.Key, c.Value));
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
}
