using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Conformance.Fuzzing;

/// <summary>
/// The seeds of the decoder fuzzer, made from real data: a graph run stored by the in-memory saver
/// (records, chunks, blocks, pending writes and inline values, exactly as a saver hands them to the
/// reader) with each serializer setting (no compression, LZ4, Deflate blocks, AES-GCM, AES-GCM after a key rotation), plus values of the supported
/// member types and a reader with tight limits.
/// </summary>
public sealed class FuzzCorpus
{
    /// <summary>The AES key of the encrypting serializer.</summary>
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static readonly (string Name, SerializerOptions Options)[] Settings =
    [
        ("plain", new SerializerOptions { CompressionThreshold = int.MaxValue, BlockItems = 8 }),
        ("lz4", new SerializerOptions { CompressionThreshold = 0, BlockItems = 8 }),
        ("deflate", new SerializerOptions { CompressionThreshold = 0, BlockItems = 8, BlockCompression = BlockCompression.Deflate }),
        ("aes", new SerializerOptions { CompressionThreshold = 0, BlockItems = 8, EncryptionKey = Key }),

        // After a key rotation: format 3 blobs whose key id picks one of several keys (a flipped id byte names an unknown key).
        ("aes-rotated", new SerializerOptions
        {
            CompressionThreshold = 0, BlockItems = 8, EncryptionKey = [.. Key.Reverse()], DecryptionKeys = [Key, new byte[16]],
        }),
    ];

    private FuzzCorpus(IReadOnlyList<FuzzSeed> seeds) => Seeds = seeds;

    /// <summary>The seeds, in a fixed order (the fuzzer's seed decides which it picks).</summary>
    public IReadOnlyList<FuzzSeed> Seeds { get; }

    /// <summary>Runs the seed graph with every serializer setting and collects what was stored.</summary>
    public static async Task<FuzzCorpus> BuildAsync()
    {
        var seeds = new List<FuzzSeed>();
        foreach (var (name, options) in Settings)
        {
            var serializer = new CheckpointSerializer(options);
            await AddStoredAsync(seeds, serializer, $"fuzz-{name}").ConfigureAwait(false);
            AddValues(seeds, serializer, serializer);
        }

        // A reader with tight limits gets intact data over them (IncompatibleCheckpointException).
        var tight = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = 0, MaxDepth = 8, MaxValueBytes = 4096 });
        AddValues(seeds, CheckpointSerializer.Default, tight);
        return new FuzzCorpus(seeds);
    }

    /// <summary>Runs <see cref="FuzzGraph"/> on an in-memory saver and adds every record, chunk, inline value and pending write it stored.</summary>
    private static async Task AddStoredAsync(List<FuzzSeed> seeds, CheckpointSerializer serializer, string threadId)
    {
        await using var saver = new InMemoryCheckpointSaver(serializer);
        await FuzzGraph.RunAsync(saver, threadId).ConfigureAwait(false);
        var chunksSeen = new HashSet<(Guid, int)>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }).ConfigureAwait(false))
        {
            var record = tuple.Checkpoint;
            AddRecord(seeds, serializer, record);
            foreach (var (channel, stored) in record.Channels)
            {
                var location = new BlobLocation(record.ThreadId, record.Id, channel);
                if (stored.Inline is { } inline)
                {
                    var type = FuzzGraph.ValueType(channel);
                    seeds.Add(new FuzzSeed("inline", inline, inline, payload => payload, bytes => serializer.FromPayload(type, bytes, location)));
                }

                var chunks = await saver.ReadChunksAsync(record.ThreadId, record.Namespace, stored.Runs).ConfigureAwait(false);
                foreach (var chunk in chunks.Where(c => chunksSeen.Add((c.BlobId, c.Sequence))))
                {
                    var address = BlobAddress.Chunk(record.ThreadId, record.Namespace, chunk.BlobId, chunk.Sequence);
                    var type = FuzzGraph.ValueType(channel).GetGenericArguments()[0].MakeArrayType();
                    seeds.Add(Enveloped("chunk", serializer, chunk.Data, address, location,
                        bytes => serializer.FromPayload(type, serializer.Unwrap(bytes, location, address).Payload, location)));
                }
            }

            foreach (var write in tuple.PendingWrites.Where(w => w.Value.Length > 0))
            {
                var address = BlobAddress.Write(record.ThreadId, record.Namespace, record.Id, write.TaskId, write.Index, write.Channel);
                var location = new BlobLocation(record.ThreadId, record.Id, write.Channel);
                var type = FuzzGraph.WriteType(write.Channel);
                seeds.Add(Enveloped("write", serializer, write.Value, address, location, bytes => serializer.Deserialize(type, bytes, location, address)));
            }
        }
    }

    private static void AddRecord(List<FuzzSeed> seeds, CheckpointSerializer serializer, CheckpointRecord record)
    {
        var address = BlobAddress.Record(record.ThreadId, record.Namespace, record.Id);
        var location = new BlobLocation(record.ThreadId, record.Id, "checkpoint");
        seeds.Add(Enveloped("record", serializer, CheckpointRecordCodec.Encode(record, serializer), address, location,
            bytes => CheckpointRecordCodec.Decode(bytes, record.Id, record.ThreadId, record.Namespace, record.ParentId, serializer)));
    }

    /// <summary>Values of the supported member types, written by <paramref name="writer"/> and read by <paramref name="reader"/>, enveloped and inline.</summary>
    private static void AddValues(List<FuzzSeed> seeds, CheckpointSerializer writer, CheckpointSerializer reader)
    {
        var location = new BlobLocation("fuzz-values", Guid.CreateVersion7(), "value");
        foreach (var (type, value) in FuzzValues.All)
        {
            var payload = writer.ToPayload(type, value, location);
            var stored = Envelope.Wrap(payload, 0, reader.Options);
            seeds.Add(new FuzzSeed("value", stored, payload, p => Envelope.Wrap(p, 0, reader.Options), bytes => reader.Deserialize(type, bytes, location)));
            seeds.Add(new FuzzSeed("inline", payload, payload, p => p, bytes => reader.FromPayload(type, bytes, location)));
        }

        var envelope = Envelope.Wrap(writer.ToPayload(FuzzValues.All[0].Value), 0, reader.Options);
        seeds.Add(new FuzzSeed("envelope", envelope, reader.Unwrap(envelope, location).Payload,
            p => Envelope.Wrap(p, 0, reader.Options), bytes => reader.Unwrap(bytes, location)));
    }

    private static FuzzSeed Enveloped(
        string decoder, CheckpointSerializer serializer, byte[] stored, BlobAddress address, BlobLocation location, Func<byte[], object?> decode) =>
        new(decoder, stored, serializer.Unwrap(stored, location, address).Payload, payload => Envelope.Wrap(payload, 0, serializer.Options, address), decode);
}
