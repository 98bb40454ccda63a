using Checkpoint.Serialization;
using MessagePack;
using System.Buffers;

namespace Checkpoint.Tests.Serialization;

/// <summary>Every malformed checkpoint body is a <see cref="CorruptCheckpointException"/> naming the thread and checkpoint.</summary>
public sealed class RecordCodecMalformedTests
{
    private const string Thread = "thread-malformed";
    private static readonly Guid Id = Guid.CreateVersion7();

    private delegate void WriteChannels(ref MessagePackWriter writer);

    /// <summary>A checkpoint body written field by field, so single fields can be made invalid.</summary>
    private static byte[] Body(long ticks = 638_000_000_000_000_000, WriteChannels? channels = null, byte[]? trailing = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(9);
        writer.Write(3); // step
        writer.Write((byte)0); // source
        writer.Write(ticks);
        if (channels is null)
        {
            writer.WriteMapHeader(0);
        }
        else
        {
            channels(ref writer);
        }

        writer.WriteMapHeader(0); // versions seen
        writer.WriteArrayHeader(0); // next nodes
        writer.WriteArrayHeader(0); // interrupts
        writer.WriteMapHeader(0); // metadata
        writer.Write(1);
        writer.Flush();
        var payload = buffer.WrittenSpan.ToArray().Concat(trailing ?? []).ToArray();
        return Envelope.Wrap(payload, 0, CheckpointSerializer.Default.Options);
    }

    private static void AssertCorrupt(byte[] body)
    {
        var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(body, Id, Thread, "", null));
        Assert.Equal(Thread, error.ThreadId);
        Assert.Equal(Id, error.CheckpointId);
    }

    [Fact]
    public void A_well_formed_body_decodes()
    {
        var record = CheckpointRecordCodec.Decode(Body(), Id, Thread, "", null);
        Assert.Equal(3, record.Step);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(3_155_378_976_000_000_000L)] // DateTime.MaxValue.Ticks + 1
    public void Created_at_ticks_outside_the_DateTime_range_are_corrupt(long ticks) => AssertCorrupt(Body(ticks));

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x00010000u)]
    public void A_str32_length_beyond_the_bytes_present_is_corrupt(uint length) =>
        AssertCorrupt(Body(channels: (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.WriteRaw(new byte[] { 0xDB, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0x61 });
        }));

    [Fact]
    public void A_negative_map_count_is_corrupt() =>
        AssertCorrupt(Body(channels: (ref MessagePackWriter w) => w.WriteRaw(new byte[] { 0xDF, 0x80, 0x00, 0x00, 0x00 })));

    [Fact]
    public void Bytes_after_the_body_are_corrupt() => AssertCorrupt(Body(trailing: [0xC0]));

    [Fact]
    public void A_negative_bin32_inline_length_is_corrupt() =>
        AssertCorrupt(Body(channels: (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("c");
            w.WriteArrayHeader(5);
            w.Write(1L);
            w.Write((byte)0);
            w.WriteRaw(new byte[] { 0xC6, 0x80, 0x00, 0x00, 0x00, 0x01 });
        }));
}
