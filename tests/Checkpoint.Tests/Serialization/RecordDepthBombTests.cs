using Checkpoint.Conformance;
using Checkpoint.Serialization;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// Fields a later body revision adds are skipped; a skipped field nested far deeper than any stack
/// must fail as corrupt, not overflow the stack (MessagePack's Skip recurses once per level).
/// </summary>
public sealed class RecordDepthBombTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void A_deeply_nested_extra_field_is_corrupt_or_skipped_without_overflowing_the_stack(int depth)
    {
        var record = ConformanceData.Record("thread-bomb", "", Guid.CreateVersion7());
        var plain = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = int.MaxValue });
        var payload = plain.Unwrap(CheckpointRecordCodec.Encode(record, plain), default).Payload;
        Assert.InRange(payload[0], 0x90, 0x9E);
        payload[0]++; // one more field, the bomb
        var bomb = Enumerable.Repeat((byte)0x91, depth).Append((byte)0xC0);
        var body = Envelope.Wrap([.. payload, .. bomb], 0, plain.Options);

        var error = Record.Exception(() => CheckpointRecordCodec.Decode(body, record.Id, record.ThreadId, record.Namespace, null, plain));

        Assert.True(error is null or CorruptCheckpointException, error?.ToString());
    }
}
