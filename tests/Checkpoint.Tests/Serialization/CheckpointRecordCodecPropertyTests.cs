using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using FsCheck.Xunit;

namespace Checkpoint.Tests.Serialization;

public sealed class CheckpointRecordCodecPropertyTests
{
    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Random_records_round_trip(CheckpointRecord record)
    {
        var body = CheckpointRecordCodec.Encode(record);

        var decoded = CheckpointRecordCodec.Decode(body, record.Id, record.ThreadId, record.Namespace, record.ParentId);

        ConformanceData.AssertSameRecord(record, decoded);
    }

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Random_records_round_trip_encrypted_and_with_a_parent(CheckpointRecord record, AesKey key, Guid parent)
    {
        var serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key.Bytes, CompressionThreshold = 0 });
        var withParent = record with { ParentId = parent };

        var body = CheckpointRecordCodec.Encode(withParent, serializer);
        var decoded = CheckpointRecordCodec.Decode(body, withParent.Id, withParent.ThreadId, withParent.Namespace, parent, serializer);

        ConformanceData.AssertSameRecord(withParent, decoded);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Records_naming_few_or_many_channels_and_nodes_round_trip_and_store_each_name_once(int channelCount)
    {
        // Up to 16 names the encoder searches a list, past that a dictionary (NameTable): both paths, names shared by
        // channels, versions seen and next nodes.
        var channels = Enumerable.Range(0, channelCount).ToDictionary(i => $"channel{i}", i => ConformanceData.Inline(i, version: i + 1));
        var record = ConformanceData.Record("t", channels: channels) with
        {
            VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>>
            {
                ["node-a"] = channels.Keys.Take(5).ToDictionary(name => name, _ => 3L),
                ["channel1"] = new Dictionary<string, long> { ["node-a"] = 1 },
            },
            NextNodes = ["node-a", "node-b", "channel0"],
        };

        var body = CheckpointRecordCodec.Encode(record);
        var decoded = CheckpointRecordCodec.Decode(body, record.Id, record.ThreadId, record.Namespace, record.ParentId);

        ConformanceData.AssertSameRecord(record, decoded);
        var payload = CheckpointSerializer.Default.Unwrap(body, default).Payload;
        Assert.Equal(1, StringsIn(payload, "node-a"));
        Assert.Equal(1, StringsIn(payload, "channel1"));
        Assert.Equal(1, StringsIn(payload, "channel0"));
    }

    /// <summary>How many times the MessagePack string <paramref name="name"/> (a fixstr: header byte, then its UTF-8) occurs.</summary>
    private static int StringsIn(byte[] payload, string name)
    {
        var encoded = new byte[name.Length + 1];
        encoded[0] = (byte)(0xA0 | name.Length);
        System.Text.Encoding.UTF8.GetBytes(name, encoded.AsSpan(1));
        var count = 0;
        for (var at = 0; at <= payload.Length - encoded.Length; at++)
        {
            if (payload.AsSpan(at, encoded.Length).SequenceEqual(encoded))
            {
                count++;
            }
        }

        return count;
    }
}
