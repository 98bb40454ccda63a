using Checkpoint.Channels;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Turns channel values into <see cref="ChannelValueRef"/>s and chunks, and back. Append channels
/// store only the items appended since the parent checkpoint, in a chunk that every later version
/// references, so a growing list costs O(n) bytes in total.
/// </summary>
internal sealed class StateCodec<TState>(StateSchema<TState> schema, CheckpointSerializer serializer)
    where TState : class, new()
{
    /// <summary>Serialized values up to this size live inside the checkpoint record.</summary>
    public const int InlineLimit = 256;

    public StateSchema<TState> Schema => schema;

    /// <summary>The refs of a new checkpoint, and the chunks it adds.</summary>
    /// <param name="parent">The channel refs of the parent checkpoint (empty for the first).</param>
    /// <param name="values">Every channel value of the new checkpoint.</param>
    /// <param name="changed">The channels written since the parent.</param>
    /// <param name="mode">How the new checkpoint will be put (only a continuation may extend a blob).</param>
    /// <param name="threadId">The thread the chunks are stored in (named in errors, bound into encrypted chunks).</param>
    /// <param name="checkpointNamespace">The namespace the chunks are stored in.</param>
    /// <exception cref="CheckpointLimitExceededException">A value is over the serializer's limits.</exception>
    public (Dictionary<string, ChannelValueRef> Refs, List<BlobChunk> Chunks) Encode(
        IReadOnlyDictionary<string, ChannelValueRef> parent,
        IReadOnlyDictionary<string, object?> values,
        IReadOnlySet<string> changed,
        PutMode mode,
        string threadId,
        string checkpointNamespace)
    {
        var scope = (threadId, checkpointNamespace);
        parent = schema.WithCurrentNames(parent);
        var refs = new Dictionary<string, ChannelValueRef>(values.Count, StringComparer.Ordinal);
        var chunks = new List<BlobChunk>();
        foreach (var channel in schema.Channels)
        {
            parent.TryGetValue(channel.Name, out var previous);
            var value = values.GetValueOrDefault(channel.Name);
            if (!changed.Contains(channel.Name))
            {
                if (previous is not null)
                {
                    refs[channel.Name] = previous with { Extendable = previous.Extendable && mode == PutMode.Continue };
                }

                continue;
            }

            var version = (previous?.Version ?? 0) + 1;
            var location = new BlobLocation(threadId, null, channel.Name);
            refs[channel.Name] = channel.Kind == ReducerKind.Append
                ? EncodeAppend(channel, value, previous, version, mode, chunks, location, scope)
                : EncodeValue(channel, value, version, chunks, location, scope);
        }

        return (refs, chunks);
    }

    /// <summary>
    /// The refs and chunks of a compaction of the checkpoint whose refs are <paramref name="parent"/>: for each
    /// compacted channel, the head items go to one chunk of a new blob and the kept items are referenced
    /// where they are (the parent's runs sliced at the keep-from index), so the tail is never written again.
    /// The ref stays extendable when the parent's was (appends keep going to the old blob), or when only
    /// the head is left (its blob is this checkpoint's). Other channels keep their refs.
    /// </summary>
    public (Dictionary<string, ChannelValueRef> Refs, List<BlobChunk> Chunks) EncodeCompaction(
        IReadOnlyDictionary<string, ChannelValueRef> parent,
        IReadOnlyDictionary<string, (Array Head, int KeepFrom)> compactions,
        PutMode mode,
        string threadId,
        string checkpointNamespace)
    {
        var scope = (threadId, checkpointNamespace);
        parent = schema.WithCurrentNames(parent);
        var refs = new Dictionary<string, ChannelValueRef>(parent.Count, StringComparer.Ordinal);
        foreach (var (name, previous) in parent)
        {
            refs[name] = previous with { Extendable = previous.Extendable && mode == PutMode.Continue };
        }

        var chunks = new List<BlobChunk>();
        foreach (var (name, (head, keepFrom)) in compactions)
        {
            var previous = parent.GetValueOrDefault(name);
            var runs = new List<BlobRun>();
            if (head.Length > 0)
            {
                var location = new BlobLocation(threadId, null, name);
                var blobId = Guid.CreateVersion7();
                var payload = serializer.ToPayload(head.GetType(), head, location);
                chunks.Add(new BlobChunk(blobId, 0, serializer.Wrap(payload, schema.Version, location, ChunkAddress(scope, blobId, 0))));
                runs.Add(new BlobRun(blobId, head.Length));
            }

            var kept = RunSlicer.From(previous is { Layout: ChannelLayout.Chunks } ? previous.Runs : [], keepFrom);
            runs.AddRange(kept);
            refs[name] = new ChannelValueRef
            {
                Version = (previous?.Version ?? 0) + 1,
                Layout = ChannelLayout.Chunks,
                Runs = runs,
                Extendable = kept.Count == 0 ? runs.Count > 0 : previous!.Extendable && mode == PutMode.Continue,
            };
        }

        return (refs, chunks);
    }

    /// <summary>The channel values of a checkpoint whose chunks are in <paramref name="cache"/>.</summary>
    public Dictionary<string, object?> Decode(CheckpointRecord record, ChunkCache cache)
    {
        var values = schema.DefaultValues(serializer);
        foreach (var (name, stored) in schema.WithCurrentNames(record.Channels))
        {
            if (!schema.Contains(name))
            {
                continue; // a property removed from the state type since this checkpoint was written
            }

            var channel = schema[name];
            var location = new BlobLocation(record.ThreadId, record.Id, name);
            values[name] = stored.Layout switch
            {
                ChannelLayout.Inline => Read(channel, channel.ValueType, stored.Inline ?? [], stored.SchemaVersion, location),
                ChannelLayout.Blob => DecodeBlob(channel, stored, cache, record, location),
                ChannelLayout.Chunks => DecodeChunks(channel, stored, cache, record, location),
                _ => throw new CorruptCheckpointException(location, $"unknown channel layout {stored.Layout}."),
            };
        }

        return values;
    }

    /// <summary>A stored value of <paramref name="channel"/> (its whole value, or for an append channel an array of items) as <paramref name="type"/>.</summary>
    private object? Read(Channel channel, Type type, ReadOnlyMemory<byte> payload, ushort schemaVersion, BlobLocation location) =>
        schema.Migrator.Read(serializer, type, payload, schemaVersion, channel.Name, items: channel.Kind == ReducerKind.Append, location);

    /// <summary>The number of items a chunked ref holds.</summary>
    private static int ItemCount(ChannelValueRef? stored) =>
        stored is { Layout: ChannelLayout.Chunks } ? stored.Runs.Sum(run => run.Count) : 0;

    private static BlobAddress ChunkAddress((string ThreadId, string Namespace) scope, Guid blobId, int sequence) =>
        BlobAddress.Chunk(scope.ThreadId, scope.Namespace, blobId, sequence);

    private ChannelValueRef EncodeValue(
        Channel channel, object? value, long version, List<BlobChunk> chunks, BlobLocation location, (string, string) scope)
    {
        var payload = serializer.ToPayload(channel.ValueType, value, location);
        if (payload.Length <= InlineLimit)
        {
            return new ChannelValueRef { Version = version, Layout = ChannelLayout.Inline, Inline = payload, SchemaVersion = schema.Version };
        }

        var blobId = Guid.CreateVersion7();
        chunks.Add(new BlobChunk(blobId, 0, serializer.Wrap(payload, schema.Version, location, ChunkAddress(scope, blobId, 0))));
        return new ChannelValueRef { Version = version, Layout = ChannelLayout.Blob, Runs = [new BlobRun(blobId, 1)] };
    }

    private ChannelValueRef EncodeAppend(
        Channel channel, object? value, ChannelValueRef? previous, long version, PutMode mode, List<BlobChunk> chunks,
        BlobLocation location, (string, string) scope)
    {
        var storedCount = ItemCount(previous);
        var count = channel.CountItems(value);
        var runs = previous is { Layout: ChannelLayout.Chunks } ? previous.Runs.ToList() : [];
        if (count < storedCount)
        {
            // Not an append (the list shrank): store the whole list afresh.
            runs.Clear();
            storedCount = 0;
        }

        if (count == storedCount)
        {
            return new ChannelValueRef
            {
                Version = version,
                Layout = ChannelLayout.Chunks,
                Runs = runs,
                Extendable = previous is not null && previous.Extendable && mode == PutMode.Continue && runs.Count > 0,
            };
        }

        var items = channel.ItemsFrom(value, storedCount);
        var payload = serializer.ToPayload(items.GetType(), items, location);
        if (mode == PutMode.Continue && previous is { Extendable: true } && runs.Count > 0 && storedCount > 0)
        {
            var last = runs[^1];
            chunks.Add(BlockPacker.Pack(serializer, channel, value, count, last, last.End + items.Length, location, sequence => ChunkAddress(scope, last.BlobId, sequence), schema.Version)
                ?? new BlobChunk(last.BlobId, last.End, serializer.Wrap(payload, schema.Version, location, ChunkAddress(scope, last.BlobId, last.End))));
            runs[^1] = last with { End = last.End + items.Length };
        }
        else
        {
            var blobId = Guid.CreateVersion7();
            chunks.Add(new BlobChunk(blobId, 0, serializer.Wrap(payload, schema.Version, location, ChunkAddress(scope, blobId, 0))));
            runs.Add(new BlobRun(blobId, items.Length));
        }

        return new ChannelValueRef { Version = version, Layout = ChannelLayout.Chunks, Runs = runs, Extendable = true };
    }

    private object? DecodeBlob(Channel channel, ChannelValueRef stored, ChunkCache cache, CheckpointRecord record, BlobLocation location)
    {
        var run = stored.Runs.Count == 1 ? stored.Runs[0] : throw new CorruptCheckpointException(location, "a blob value must have exactly one run.");
        var key = new ChunkBlobKey(record.ThreadId, record.Namespace, run.BlobId);

        // Only the payload is cached for a whole value: it is decoded afresh for every read.
        var contents = cache.Contents(
            key, run, (sequence, data) => PayloadChunk(sequence, data, location, ChunkAddress((record.ThreadId, record.Namespace), run.BlobId, sequence)));
        var chunk = contents.FirstOrDefault(c => c.Sequence == 0)
            ?? throw new CorruptCheckpointException(location, $"blob {run.BlobId} is missing from storage.");
        cache.Remember(key, run, contents);
        return Read(channel, channel.ValueType, chunk.Payload!, chunk.SchemaVersion, location);
    }

    private object? DecodeChunks(Channel channel, ChannelValueRef stored, ChunkCache cache, CheckpointRecord record, BlobLocation location)
    {
        if (channel.Kind != ReducerKind.Append)
        {
            throw new CorruptCheckpointException(location, "the value is stored as a list of chunks but the property is no longer an [Append] list.");
        }

        // A history lists the longest version of a blob first: a shorter one is a view of it, not a copy.
        if (stored.Runs is [{ Start: 0 } only] && channel.HasPrefixViews && cache.LongestValue(only.BlobId) is { } longest
            && channel.CountItems(longest) >= only.End)
        {
            return channel.Prefix(longest, only.End);
        }

        // The saver keeps the longest list of immutable items it assembled per blob: a warm read is a view of it.
        var key = stored.Runs is [var single] ? new ChunkBlobKey(record.ThreadId, record.Namespace, single.BlobId) : default;
        var fromStart = stored.Runs is [{ Start: 0 }];
        var shareList = fromStart && channel.HasPrefixViews && ValueImmutability.IsImmutable(channel.ItemType!);
        if (shareList && cache.SharedLongestValue(key, channel.ItemType!, stored.Runs[0].End) is { } shared)
        {
            cache.RememberLongest(key.BlobId, shared, channel.CountItems(shared));
            return channel.Prefix(shared, stored.Runs[0].End);
        }

        var value = channel.FromItemArrays(ReadRuns(channel, stored, cache, record, location));
        if (fromStart && value is not null)
        {
            var count = channel.CountItems(value);
            cache.RememberLongest(stored.Runs[0].BlobId, value, count);
            if (shareList)
            {
                cache.RememberShared(key, channel.ItemType!, value, count);
            }
        }

        return value;
    }

    private List<Array> ReadRuns(Channel channel, ChannelValueRef stored, ChunkCache cache, CheckpointRecord record, BlobLocation location)
    {
        var arrayType = channel.ItemType!.MakeArrayType();

        // Decoded items are cached only when no one can change them: a read builds its own list around them.
        var shareItems = ValueImmutability.IsImmutable(channel.ItemType);
        var arrays = new List<Array>();
        foreach (var run in stored.Runs)
        {
            var key = new ChunkBlobKey(record.ThreadId, record.Namespace, run.BlobId);
            var contents = cache.Contents(key, run, (sequence, data) =>
            {
                var address = ChunkAddress((record.ThreadId, record.Namespace), run.BlobId, sequence);
                if (!shareItems)
                {
                    return PayloadChunk(sequence, data, location, address);
                }

                // Decoded once into items that are kept: the payload is only a step on the way, in a pooled buffer.
                var (items, schemaVersion, payloadLength) = ReadStoredItems(channel, arrayType, data, location, address);
                return new CachedChunk(sequence, null, items) { SchemaVersion = schemaVersion, Stored = data, PayloadLength = payloadLength };
            });
            var expected = run.Start;
            foreach (var chunk in contents)
            {
                if (expected == run.End)
                {
                    break;
                }

                if (chunk.Sequence > expected)
                {
                    throw new CorruptCheckpointException(location, $"blob {run.BlobId} has no chunk at item {expected} (next is at {chunk.Sequence}).");
                }

                var items = chunk.ImmutableItems is { } shared && shared.GetType() == arrayType
                    ? shared
                    : ReadItemsAgain(channel, arrayType, chunk, location, ChunkAddress((record.ThreadId, record.Namespace), run.BlobId, chunk.Sequence));

                // A chunk may start before the run (a block, or a compaction's kept tail) or reach past its end.
                var from = expected - chunk.Sequence;
                var to = Math.Min(items.Length, run.End - chunk.Sequence);
                if (to > from)
                {
                    arrays.Add(from == 0 && to == items.Length ? items : Slice(items, from, to));
                    expected = chunk.Sequence + to;
                }
            }

            if (expected != run.End)
            {
                throw new CorruptCheckpointException(location, $"blob {run.BlobId} holds items {run.Start} to {expected}, the checkpoint needs {run.Start} to {run.End}.");
            }

            cache.Remember(key, run, contents);
        }

        return arrays;
    }

    /// <summary>A chunk held as its unwrapped payload (whole values, and items that every read decodes afresh).</summary>
    private CachedChunk PayloadChunk(int sequence, byte[] data, BlobLocation location, BlobAddress address)
    {
        var (payload, schemaVersion) = serializer.Unwrap(data, location, address);
        return new CachedChunk(sequence, payload, null) { SchemaVersion = schemaVersion };
    }

    /// <summary>A chunk's items as <paramref name="arrayType"/>, from its held payload or else its stored bytes.</summary>
    private Array ReadItemsAgain(Channel channel, Type arrayType, CachedChunk chunk, BlobLocation location, BlobAddress address)
    {
        if (chunk.Payload is { } payload)
        {
            return (Array)Read(channel, arrayType, payload, chunk.SchemaVersion, location)!;
        }

        var stored = chunk.Stored ?? throw new InvalidOperationException("a cached chunk holds neither payload nor stored bytes.");
        return ReadStoredItems(channel, arrayType, stored, location, address).Items;
    }

    /// <summary>A chunk's stored bytes read as items of <paramref name="arrayType"/>, through a pooled payload.</summary>
    private (Array Items, ushort SchemaVersion, int PayloadLength) ReadStoredItems(
        Channel channel, Type arrayType, byte[] stored, BlobLocation location, BlobAddress address)
    {
        using var rented = serializer.UnwrapRented(stored, location, address);
        return ((Array)Read(channel, arrayType, rented.Memory, rented.SchemaVersion, location)!, rented.SchemaVersion, rented.Length);
    }

    private static Array Slice(Array items, int from, int to)
    {
        var slice = Array.CreateInstance(items.GetType().GetElementType()!, to - from);
        Array.Copy(items, from, slice, 0, to - from);
        return slice;
    }
}
