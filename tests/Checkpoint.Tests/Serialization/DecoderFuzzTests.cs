using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Checkpoint.Tests.Engine;
using Xunit.Abstractions;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// Mutated blobs (CRC recomputed, so the damage reaches LZ4, MessagePack and the record codec)
/// decode or fail with <see cref="CorruptCheckpointException"/> / <see cref="IncompatibleCheckpointException"/>,
/// never anything else and never a large allocation. Normal runs try 20,000 inputs; for a long run:
/// <c>CHECKPOINT_FUZZ_INPUTS=1000000 [CHECKPOINT_FUZZ_SEED=n] dotnet test tests/Checkpoint.Tests -c Release --filter Category=Fuzz</c>.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private const long AllocationBound = 64L << 20;
    private static readonly BlobLocation Location = new("thread-fuzz", Guid.CreateVersion7(), "value");
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly CheckpointSerializer[] Serializers =
    [
        new(new SerializerOptions { CompressionThreshold = int.MaxValue }),
        new(new SerializerOptions { CompressionThreshold = 0 }),
        new(new SerializerOptions { CompressionThreshold = 0, EncryptionKey = Key }),
        new(new SerializerOptions { CompressionThreshold = 0, MaxDepth = 8, MaxValueBytes = 4096 }),
    ];

    /// <summary>Valid values and how to read them back.</summary>
    private static readonly (object Value, Func<CheckpointSerializer, byte[], object?> Read)[] Values =
    [
        (Enumerable.Range(0, 30).Select(i => new Message(i % 2 == 0 ? "user" : "assistant", $"message {i}")).ToList(), (s, b) => s.Deserialize<List<Message>>(b, Location)),
        (Enumerable.Range(0, 20).ToDictionary(i => $"key{i}", i => i * 1000), (s, b) => s.Deserialize<Dictionary<string, int>>(b, Location)),
        (LinkedNode.Chain(6), (s, b) => s.Deserialize<LinkedNode>(b, Location)),
        (new ChatState { Step = 4, Note = "n", Messages = [new Message("user", "hi")] }, (s, b) => s.Deserialize<ChatState>(b, Location)),
        (new[] { "a", "bb", new string('c', 300) }, (s, b) => s.Deserialize<string[]>(b, Location)),
        (new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, (s, b) => s.Deserialize<byte[]>(b, Location)),
        (new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), (s, b) => s.Deserialize<DateTimeOffset>(b, Location)),
        (-123456789L, (s, b) => s.Deserialize<long>(b, Location)),
    ];

    private static int Inputs => int.TryParse(Environment.GetEnvironmentVariable("CHECKPOINT_FUZZ_INPUTS"), out var n) ? n : 20_000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("CHECKPOINT_FUZZ_SEED"), out var n) ? n : 20_250_101;

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_values_and_records_decode_or_fail_as_corrupt_or_incompatible()
    {
        var random = new Random(Seed);
        var records = Records();
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < Inputs; i++)
        {
            var serializer = Serializers[random.Next(Serializers.Length)];
            var (input, decode) = random.Next(4) == 0 ? RecordInput(random, serializer, records) : ValueInput(random, serializer);
            var outcome = DecodeOnce(input, decode, i);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{Inputs} inputs, seed {Seed}: " + string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));

        // The mutations must reach past the envelope, or the test proves little.
        Assert.True(outcomes.Count >= 3, string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    private static string DecodeOnce(byte[] input, Func<byte[], object?> decode, int index)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            decode(input);
            outcome = "decoded";
        }
        catch (CorruptCheckpointException ex)
        {
            outcome = ex.InnerException is null ? "corrupt" : $"corrupt ({ex.InnerException.GetType().Name})";
        }
        catch (IncompatibleCheckpointException)
        {
            outcome = "incompatible";
        }
        catch (Exception ex)
        {
            Assert.Fail($"Input {index} (seed {Seed}) threw {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexString(input)}\n{ex}");
            throw;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"Input {index} (seed {Seed}) allocated {allocated} bytes: {Convert.ToHexString(input)}");
        return outcome;
    }

    private static (byte[] Input, Func<byte[], object?> Decode) ValueInput(Random random, CheckpointSerializer serializer)
    {
        var (value, read) = Values[random.Next(Values.Length)];
        var payload = CheckpointSerializer.Default.ToPayload(value.GetType(), value);
        var decode = (byte[] blob) => read(serializer, blob);
        return random.Next(3) switch
        {
            // Damage anywhere in the stored blob, header included.
            0 => (BlobMutator.MutateEnvelope(serializer.Wrap(payload), random), decode),

            // Damage the MessagePack payload, then store it properly, so it reaches the deserializer.
            1 => (Envelope.Wrap(BlobMutator.Mutate(payload, random), 0, serializer.Options), decode),

            // An inline value: the payload is read without an envelope.
            _ => (BlobMutator.Mutate(payload, random), bytes => serializer.FromPayload(value.GetType(), bytes, Location)),
        };
    }

    private static (byte[] Input, Func<byte[], object?> Decode) RecordInput(Random random, CheckpointSerializer serializer, CheckpointRecord[] records)
    {
        var record = records[random.Next(records.Length)];
        var decode = (byte[] body) => CheckpointRecordCodec.Decode(body, record.Id, record.ThreadId, record.Namespace, record.ParentId, serializer);
        if (random.Next(2) == 0)
        {
            return (BlobMutator.MutateEnvelope(CheckpointRecordCodec.Encode(record, serializer), random), decode);
        }

        var plain = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = int.MaxValue });
        var payload = plain.Unwrap(CheckpointRecordCodec.Encode(record, plain), default).Payload;
        return (Envelope.Wrap(BlobMutator.Mutate(payload, random), 0, serializer.Options), decode);
    }

    private static CheckpointRecord[] Records()
    {
        var full = ConformanceData.Record("thread-fuzz", "ns", Guid.CreateVersion7(), step: 7,
            channels: new Dictionary<string, ChannelValueRef>
            {
                ["Step"] = ConformanceData.Inline(7),
                ["Note"] = ConformanceData.Inline("a note"),
                ["Messages"] = ConformanceData.Chunked(3, new BlobRun(Guid.CreateVersion7(), 4), new BlobRun(Guid.CreateVersion7(), 2)) with { Extendable = true },
            },
            metadata: new Dictionary<string, string> { ["user"] = "u1", ["source"] = "fuzz" }) with
        {
            VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>> { ["agent"] = new Dictionary<string, long> { ["Messages"] = 2 } },
            NextNodes = ["agent", "tool"],
            Interrupts = [new InterruptRecord("i1", "agent", "task-1", CheckpointSerializer.Default.Serialize("approve?"))],
        };
        return [full, ConformanceData.Record("thread-fuzz")];
    }
}
