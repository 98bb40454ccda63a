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
}
