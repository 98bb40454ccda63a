using Checkpoint.Conformance;
using Checkpoint.Serialization;

namespace Checkpoint.Tests.Serialization;

/// <summary>Lengths and counts written in the stored bytes are checked against the bytes present before anything is allocated.</summary>
public sealed class DeclaredLengthTests
{
    private const long AllocationBound = 4 << 20;
    private static readonly BlobLocation Location = new("thread-forged", Guid.CreateVersion7(), "Messages");

    private static byte[] CompressedBlob(out int bodyLength)
    {
        var blob = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = 0 })
            .Serialize(Enumerable.Range(0, 200).Select(i => $"message {i % 5}").ToList());
        Assert.Equal((byte)EnvelopeCodecs.Lz4, blob[3]);
        bodyLength = blob.Length - Envelope.HeaderSize;
        return blob;
    }

    private static T RefusedWithoutAllocating<T>(Func<object?> decode)
        where T : Exception
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<T>(() => decode());
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBound);
        return error;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 30)]
    [InlineData(-1)] // 255 × the body length, plus one
    public void A_declared_length_the_lz4_body_cannot_expand_to_is_corrupt(int declared)
    {
        var blob = CompressedBlob(out var bodyLength);
        var forged = BlobMutator.WithDeclaredLength(blob, declared == -1 ? (255 * bodyLength) + 1 : declared);

        var error = RefusedWithoutAllocating<CorruptCheckpointException>(
            () => CheckpointSerializer.Default.Deserialize<List<string>>(forged, Location));

        Assert.Equal(Location, error.Location);
    }

    [Fact]
    public void The_lz4_bound_holds_for_the_most_compressible_payload()
    {
        var serializer = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = 0 });
        var zeros = new byte[1 << 20];
        var blob = serializer.Serialize(zeros);

        Assert.InRange(zeros.Length + 5, 0, 255L * (blob.Length - Envelope.HeaderSize));
        Assert.Equal(zeros, serializer.Deserialize<byte[]>(blob, Location));
    }

    [Theory]
    [InlineData(new byte[] { 0xDF, 0x40, 0x00, 0x00, 0x00 })] // map32, 2^30 entries
    [InlineData(new byte[] { 0xDF, 0x80, 0x00, 0x00, 0x00 })] // map32, 2^31 entries (negative as an int)
    [InlineData(new byte[] { 0xDF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void A_map_header_declaring_more_entries_than_bytes_remain_is_refused_before_allocating(byte[] header)
    {
        var payload = header.Concat(new byte[] { 0xA1, 0x61, 0x01 }).ToArray();
        var blob = Envelope.Wrap(payload, 0, CheckpointSerializer.Default.Options);

        var error = RefusedWithoutAllocating<CorruptCheckpointException>(
            () => CheckpointSerializer.Default.Deserialize<Dictionary<string, int>>(blob, Location));

        Assert.Equal(Location, error.Location);
    }

    [Theory]
    [InlineData(new byte[] { 0xDD, 0x40, 0x00, 0x00, 0x00 })] // array32, 2^30 items
    [InlineData(new byte[] { 0xDD, 0x80, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0xDB, 0x80, 0x00, 0x00, 0x00 })] // str32 of 2^31 bytes, inside the list
    [InlineData(new byte[] { 0xC6, 0xFF, 0xFF, 0xFF, 0xFF })] // bin32
    public void An_array_or_string_header_longer_than_the_bytes_present_is_refused(byte[] header)
    {
        var payload = (header[0] == 0xDD ? header : new byte[] { 0x91 }.Concat(header)).Concat(new byte[] { 0x01, 0x02 }).ToArray();
        var blob = Envelope.Wrap(payload, 0, CheckpointSerializer.Default.Options);

        RefusedWithoutAllocating<CorruptCheckpointException>(() => CheckpointSerializer.Default.Deserialize<List<string>>(blob, Location));
    }

    [Fact]
    public void Bytes_after_the_value_are_refused()
    {
        var valid = Envelope.Wrap(new byte[] { 0x92, 0x01, 0x02 }, 0, CheckpointSerializer.Default.Options);
        var trailing = Envelope.Wrap(new byte[] { 0x92, 0x01, 0x02, 0x03 }, 0, CheckpointSerializer.Default.Options);

        Assert.Equal([1, 2], CheckpointSerializer.Default.Deserialize<List<int>>(valid, Location));
        var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointSerializer.Default.Deserialize<List<int>>(trailing, Location));
        Assert.Contains("follow the value", error.Message, StringComparison.Ordinal);
    }
}
