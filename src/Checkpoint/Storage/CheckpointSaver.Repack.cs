using System.Buffers;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Storage;

public abstract partial class CheckpointSaver
{
    /// <summary>
    /// Packs the small chunks of the thread's appended lists into blocks of
    /// <see cref="SerializerOptions.BlockItems"/> items compressed together (the maintenance form of the
    /// blocks puts write as lists grow, for data written before blocks existed or with blocks off). Each
    /// block replaces its chunks in one atomic saver operation that happens only when those chunks are
    /// all still stored as read, so a concurrent put or prune always wins and nothing is lost; readers see
    /// the same values before, during and after. Returns the number of blocks written; reports that
    /// number to <paramref name="progress"/> after each one. A missing thread is a no-op.
    /// </summary>
    public Task<int> RepackAsync(string threadId, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(threadId);
        return RepackThreadAsync(threadId, progress, cancellationToken);
    }

    /// <summary>
    /// Replaces <paramref name="replaced"/> (chunks of <paramref name="block"/>'s blob, in sequence order,
    /// the first at the block's sequence, together holding exactly the block's items) by
    /// <paramref name="block"/>, atomically, only when every one of them is still stored with the same
    /// bytes; returns whether it did. Other chunks of the range (a block a concurrent put wrote) are left
    /// as they are. The default keeps every chunk (returns false): a saver opts in by overriding it.
    /// </summary>
    protected virtual Task<bool> ReplaceChunksCoreAsync(
        string threadId, string checkpointNamespace, BlobChunk block, IReadOnlyList<BlobChunk> replaced, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    private async Task<int> RepackThreadAsync(string threadId, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var size = Serializer.Options.BlockItems;
        if (size <= 0)
        {
            return 0;
        }

        // Per namespace, the item range of each list blob that some checkpoint references: only those items are packed.
        var references = new Dictionary<string, ChunkReferences>(StringComparer.Ordinal);
        var lists = new HashSet<(string Namespace, Guid BlobId)>();
        await foreach (var (record, _) in ListAsync(new CheckpointFilter { ThreadId = threadId }, cancellationToken).ConfigureAwait(false))
        {
            if (!references.TryGetValue(record.Namespace, out var inNamespace))
            {
                references[record.Namespace] = inNamespace = new ChunkReferences();
            }

            inNamespace.Add(record);
            foreach (var run in record.Channels.Values.Where(value => value.Layout == ChannelLayout.Chunks).SelectMany(value => value.Runs))
            {
                _ = lists.Add((record.Namespace, run.BlobId));
            }
        }

        var written = 0;
        foreach (var (checkpointNamespace, inNamespace) in references)
        {
            foreach (var (blobId, (start, end)) in inNamespace.RangeByBlob)
            {
                if (!lists.Contains((checkpointNamespace, blobId)))
                {
                    continue;
                }

                var stored = await ReadChunksAsync(threadId, checkpointNamespace, [new BlobRun(blobId, end) { Start = start }], cancellationToken)
                    .ConfigureAwait(false);
                foreach (var group in Groups(threadId, checkpointNamespace, stored, size))
                {
                    var block = Pack(threadId, checkpointNamespace, group);
                    if (await ReplaceChunksCoreAsync(threadId, checkpointNamespace, block, [.. group.Select(chunk => chunk.Stored)], cancellationToken)
                        .ConfigureAwait(false))
                    {
                        written++;
                        progress?.Report(written);
                    }
                }
            }
        }

        return written;
    }

    /// <summary>
    /// Runs of consecutive small chunks (fewer items than a block) that reach the next multiple of the block
    /// size after their first sequence: each becomes one block. A run broken by a gap, an overlap or a block
    /// is dropped (so is one that would mix schema versions: a block has one), and so is the unfinished tail (the put that crosses the next multiple packs it).
    /// </summary>
    private IEnumerable<List<ParsedChunk>> Groups(string threadId, string checkpointNamespace, IReadOnlyList<BlobChunk> stored, int size)
    {
        var group = new List<ParsedChunk>();
        int groupEnd = 0, boundary = 0;
        foreach (var chunk in stored)
        {
            var parsed = Parse(threadId, checkpointNamespace, chunk);
            if (group.Count > 0 && (parsed is null || parsed.Sequence != groupEnd || parsed.Count >= size || parsed.SchemaVersion != group[0].SchemaVersion))
            {
                group = [];
            }

            if (parsed is null || (group.Count == 0 && parsed.Count >= size))
            {
                continue;
            }

            if (group.Count == 0)
            {
                boundary = ((parsed.Sequence / size) + 1) * size;
            }

            group.Add(parsed);
            groupEnd = parsed.Sequence + parsed.Count;
            if (groupEnd >= boundary)
            {
                if (group.Count > 1)
                {
                    yield return group;
                }

                group = [];
            }
        }
    }

    /// <summary>A chunk's payload and item count, or null when it is not a MessagePack array of items.</summary>
    private ParsedChunk? Parse(string threadId, string checkpointNamespace, BlobChunk chunk)
    {
        var location = new BlobLocation(threadId, null, null);
        var (payload, schemaVersion) = Serializer.Unwrap(
            chunk.Data, location, BlobAddress.Chunk(threadId, checkpointNamespace, chunk.BlobId, chunk.Sequence));
        var reader = new MessagePackReader(payload);
        if (payload.Length == 0 || reader.NextMessagePackType != MessagePackType.Array)
        {
            return null;
        }

        var count = reader.ReadArrayHeader();
        return count == 0 ? null : new ParsedChunk(chunk, payload, (int)reader.Consumed, count, schemaVersion);
    }

    /// <summary>One block of a group's items: the element bytes of every chunk under one array header, compressed together.</summary>
    private BlobChunk Pack(string threadId, string checkpointNamespace, List<ParsedChunk> group)
    {
        var first = group[0];
        var count = group.Sum(chunk => chunk.Count);
        var buffer = new ArrayBufferWriter<byte>(group.Sum(chunk => chunk.Payload.Length));
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        writer.Flush();
        foreach (var chunk in group)
        {
            buffer.Write(chunk.Payload.AsSpan(chunk.HeaderLength));
        }

        var address = BlobAddress.Chunk(threadId, checkpointNamespace, first.Stored.BlobId, first.Sequence);
        var data = Serializer.WrapBlock(buffer.WrittenSpan, first.SchemaVersion, new BlobLocation(threadId, null, null), address);
        return new BlobChunk(first.Stored.BlobId, first.Sequence, data) { ReplacesUntil = first.Sequence + count };
    }

    private sealed record ParsedChunk(BlobChunk Stored, byte[] Payload, int HeaderLength, int Count, ushort SchemaVersion)
    {
        public int Sequence => Stored.Sequence;
    }
}
