using System.Text.Json.Nodes;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Cli.Decoding;

/// <summary>
/// Reads the channel values of stored checkpoints as generic trees, through the saver's public operations only:
/// inline values from the record, blobs and list chunks with <see cref="CheckpointSaver.ReadChunksAsync"/>, each
/// chunk unwrapped (checksum, decryption) at its own address. A list's value is the items of its runs, in order,
/// as the library assembles it. Decoded chunks are kept for the life of the reader, so a history reads each once.
/// </summary>
internal sealed class CheckpointReader(CheckpointSaver saver)
{
    private readonly Dictionary<(string Thread, string Namespace, Guid Blob, int Sequence), DecodedChunk> _chunks = [];
    private readonly Dictionary<(string Thread, string Namespace, Guid Blob, int Sequence), byte[]> _raw = [];
    private readonly Dictionary<(string Thread, string Namespace, Guid Blob), SortedSet<int>> _sequences = [];
    private readonly Dictionary<(string Thread, string Namespace, Guid Blob), (int Start, int End)> _fetched = [];

    private int MaxDepth => saver.Serializer.Options.MaxDepth;

    /// <summary>Decodes a checkpoint; a damaged blob raises <see cref="CorruptCheckpointException"/> naming it.</summary>
    public async Task<RawCheckpoint> ReadAsync(CheckpointTuple tuple, CancellationToken cancellationToken)
    {
        var record = tuple.Checkpoint;
        var runs = record.Channels.Values.SelectMany(channel => channel.Runs).Where(run => !IsFetched(record, run)).ToList();
        foreach (var chunk in await saver.ReadChunksAsync(record.ThreadId, record.Namespace, runs, cancellationToken).ConfigureAwait(false))
        {
            var blob = (record.ThreadId, record.Namespace, chunk.BlobId);
            if (!_sequences.TryGetValue(blob, out var sequences))
            {
                _sequences[blob] = sequences = [];
            }

            if (sequences.Add(chunk.Sequence))
            {
                _raw[(record.ThreadId, record.Namespace, chunk.BlobId, chunk.Sequence)] = chunk.Data;
            }
        }

        foreach (var run in runs)
        {
            var blob = (record.ThreadId, record.Namespace, run.BlobId);
            _fetched[blob] = _fetched.TryGetValue(blob, out var had) && had.Start <= run.End && run.Start <= had.End
                ? (Math.Min(had.Start, run.Start), Math.Max(had.End, run.End))
                : (run.Start, run.End);
        }

        var channels = record.Channels
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => Channel(record, pair.Key, pair.Value))
            .ToList();
        var writes = tuple.PendingWrites.Select(write => Write(record, write)).ToList();
        var interrupts = record.Interrupts.Select(interrupt => new RawWrite(
            interrupt.TaskId, interrupt.Node, 0, interrupt.Id,
            interrupt.Value.Length == 0 ? null : Decode(interrupt.Value, new BlobLocation(record.ThreadId, record.Id, SpecialChannels.Interrupt)),
            interrupt.Value.Length)).ToList();
        return new RawCheckpoint(tuple, channels, writes, interrupts);
    }

    private bool IsFetched(CheckpointRecord record, BlobRun run) =>
        _fetched.TryGetValue((record.ThreadId, record.Namespace, run.BlobId), out var fetched) && fetched.Start <= run.Start && fetched.End >= run.End;

    private RawChannel Channel(CheckpointRecord record, string name, ChannelValueRef stored)
    {
        var location = new BlobLocation(record.ThreadId, record.Id, name);
        switch (stored.Layout)
        {
            case ChannelLayout.Inline:
                var inline = stored.Inline ?? [];
                return new RawChannel(name, stored.Layout, stored.Version, Decode(inline, location), inline.Length, []);
            case ChannelLayout.Blob:
                {
                    var run = stored.Runs.Count == 1 ? stored.Runs[0] : throw new CorruptCheckpointException(location, "a blob value must have exactly one run.");
                    var chunk = Chunk(record, run.BlobId, 0, location, items: false)
                        ?? throw new CorruptCheckpointException(location, $"blob {run.BlobId} is missing from storage.");
                    return new RawChannel(name, stored.Layout, stored.Version, chunk.Value?.DeepClone(), 0, [chunk.Stored]);
                }

            case ChannelLayout.Chunks:
                {
                    var items = new JsonArray();
                    var used = new List<StoredChunk>();
                    foreach (var run in stored.Runs)
                    {
                        ReadRun(record, run, location, items, used);
                    }

                    return new RawChannel(name, stored.Layout, stored.Version, items, 0, used);
                }

            default:
                throw new CorruptCheckpointException(location, $"unknown channel layout {stored.Layout}.");
        }
    }

    /// <summary>Appends the items <c>run.Start</c> to <c>run.End</c> of a blob, from the chunks holding them (a block may hold many).</summary>
    private void ReadRun(
        CheckpointRecord record, BlobRun run, BlobLocation location, JsonArray items, List<StoredChunk> used)
    {
        var sequences = _sequences.TryGetValue((record.ThreadId, record.Namespace, run.BlobId), out var known) ? known : [];
        var first = run.Start == 0 ? 0 : sequences.LastOrDefault(sequence => sequence <= run.Start);
        var expected = run.Start;
        foreach (var sequence in sequences.Where(sequence => sequence >= first && sequence < run.End))
        {
            if (expected == run.End)
            {
                break;
            }

            if (sequence > expected)
            {
                throw new CorruptCheckpointException(location, $"blob {run.BlobId} has no chunk at item {expected} (next is at {sequence}).");
            }

            var chunk = Chunk(record, run.BlobId, sequence, location, items: true)!;
            var chunkItems = chunk.Items!;
            var from = expected - sequence;
            var to = Math.Min(chunkItems.Count, run.End - sequence);
            for (var i = from; i < to; i++)
            {
                items.Add(chunkItems[i]?.DeepClone());
            }

            if (to > from)
            {
                expected = sequence + to;
                used.Add(chunk.Stored);
            }
        }

        if (expected != run.End)
        {
            throw new CorruptCheckpointException(location, $"blob {run.BlobId} holds items {run.Start} to {expected}, the checkpoint needs {run.Start} to {run.End}.");
        }
    }

    private DecodedChunk? Chunk(
        CheckpointRecord record, Guid blobId, int sequence, BlobLocation location, bool items)
    {
        var key = (record.ThreadId, record.Namespace, blobId, sequence);
        if (_chunks.TryGetValue(key, out var decoded))
        {
            return decoded;
        }

        // The bytes stay until they decode: every checkpoint that needs a damaged chunk reports it.
        if (!_raw.TryGetValue(key, out var data))
        {
            return null;
        }

        var payload = saver.Serializer.Unwrap(data, location, BlobAddress.Chunk(record.ThreadId, record.Namespace, blobId, sequence)).Payload;
        var stored = new StoredChunk(record.Namespace, blobId, sequence, data.Length);
        try
        {
            decoded = items
                ? new DecodedChunk(stored, null, MessagePackJson.ReadItems(payload, MaxDepth))
                : new DecodedChunk(stored, MessagePackJson.Read(payload, MaxDepth), null);
        }
        catch (FormatException ex)
        {
            throw new CorruptCheckpointException(location, $"chunk {sequence} of blob {blobId}: {ex.Message}", ex);
        }

        _chunks[key] = decoded;
        _raw.Remove(key);
        return decoded;
    }

    private RawWrite Write(CheckpointRecord record, PendingWrite write)
    {
        var location = new BlobLocation(record.ThreadId, record.Id, write.Channel);
        JsonNode? value = null;
        if (write.Value.Length > 0)
        {
            var address = BlobAddress.Write(record.ThreadId, record.Namespace, record.Id, write.TaskId, write.Index, write.Channel);
            value = Decode(saver.Serializer.Unwrap(write.Value, location, address).Payload, location);
        }

        return new RawWrite(write.TaskId, write.Node, write.Index, write.Channel, value, write.Value.Length);
    }

    private JsonNode? Decode(ReadOnlyMemory<byte> payload, BlobLocation location)
    {
        try
        {
            return payload.Length == 0 ? null : MessagePackJson.Read(payload, MaxDepth);
        }
        catch (FormatException ex)
        {
            throw new CorruptCheckpointException(location, ex.Message, ex);
        }
    }

    private sealed record DecodedChunk(StoredChunk Stored, JsonNode? Value, List<JsonNode?>? Items);
}
