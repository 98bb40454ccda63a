using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

public sealed class CorruptionTests
{
    private const string Thread = "thread-corrupt";
    private const string Channel = "messages";
    private static readonly Guid CheckpointId = CheckpointIds.NewId();
    private static readonly BlobLocation Location = new(Thread, CheckpointId, Channel);
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Kinds => ["plain", "lz4", "aes", "lz4+aes"];

    private static SerializerOptions Options(string kind) => kind switch
    {
        "plain" => new SerializerOptions { CompressionThreshold = int.MaxValue },
        "lz4" => new SerializerOptions { CompressionThreshold = 0 },
        "aes" => new SerializerOptions { CompressionThreshold = int.MaxValue, EncryptionKey = Key },
        "lz4+aes" => new SerializerOptions { CompressionThreshold = 0, EncryptionKey = Key },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] SampleBlob(SerializerOptions options) =>
        new CheckpointSerializer(options).Serialize(Enumerable.Range(0, 40).Select(i => $"message number {i % 7}").ToList(), schemaVersion: 3);

    private static void AssertNamesLocation(CheckpointDataException error, string thread, Guid checkpointId, string channel)
    {
        Assert.Contains(thread, error.Message, StringComparison.Ordinal);
        Assert.Contains(checkpointId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(channel, error.Message, StringComparison.Ordinal);
        Assert.Equal((thread, (Guid?)checkpointId, channel), (error.ThreadId, error.CheckpointId, error.Channel));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Flipping_any_byte_raises_corrupt_checkpoint_naming_the_location(string kind)
    {
        var options = Options(kind);
        var serializer = new CheckpointSerializer(options);
        var blob = SampleBlob(options);
        Assert.Equal(40, serializer.Deserialize<List<string>>(blob, Location).Count);

        foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (var i = 0; i < blob.Length; i++)
            {
                var bad = (byte[])blob.Clone();
                bad[i] ^= mask;

                var error = Assert.Throws<CorruptCheckpointException>(() => serializer.Deserialize<List<string>>(bad, Location));
                AssertNamesLocation(error, Thread, CheckpointId, Channel);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Truncating_at_any_length_raises_corrupt_checkpoint_naming_the_location(string kind)
    {
        var options = Options(kind);
        var serializer = new CheckpointSerializer(options);
        var blob = SampleBlob(options);

        for (var length = 0; length < blob.Length; length++)
        {
            var error = Assert.Throws<CorruptCheckpointException>(() => serializer.Deserialize<List<string>>(blob.AsSpan(0, length), Location));
            AssertNamesLocation(error, Thread, CheckpointId, Channel);
        }
    }

    [Property]
    public void Flipping_a_random_byte_of_a_random_payload_is_detected(NonEmptyArray<byte> payload, PositiveInt position, byte mask, bool compress)
    {
        var options = new SerializerOptions { CompressionThreshold = compress ? 0 : int.MaxValue };
        var blob = Envelope.Wrap(payload.Get, 7, options);
        var bad = (byte[])blob.Clone();
        bad[position.Get % bad.Length] ^= mask == 0 ? (byte)1 : mask;

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(bad, options, Location));

        AssertNamesLocation(error, Thread, CheckpointId, Channel);
    }

    [Fact]
    public void Corrupt_record_body_names_thread_checkpoint_and_channel()
    {
        var record = ConformanceData.Record(Thread, channels: ConformanceData.Map("v", ConformanceData.Inline("value")));
        var body = CheckpointRecordCodec.Encode(record);

        for (var i = 0; i < body.Length; i++)
        {
            var bad = (byte[])body.Clone();
            bad[i] ^= 0x5A;
            var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(bad, record.Id, Thread, "", null));
            AssertNamesLocation(error, Thread, record.Id, "checkpoint");
        }

        for (var length = 0; length < body.Length; length++)
        {
            var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(body.AsSpan(0, length), record.Id, Thread, "", null));
            AssertNamesLocation(error, Thread, record.Id, "checkpoint");
        }
    }

    [Fact]
    public void Record_body_with_a_valid_envelope_but_bad_content_is_corrupt()
    {
        var id = CheckpointIds.NewId();
        var notARecord = CheckpointSerializer.Default.Serialize("not a record");
        var tooShort = CheckpointSerializer.Default.Serialize(new[] { 1, 2 });

        AssertNamesLocation(Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(notARecord, id, Thread, "", null)), Thread, id, "checkpoint");
        AssertNamesLocation(Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(tooShort, id, Thread, "", null)), Thread, id, "checkpoint");
    }

    [Fact]
    public void Wrong_aes_key_raises_unknown_key_naming_the_blobs_key_id()
    {
        var blob = SampleBlob(Options("aes"));
        var wrongKey = (byte[])Key.Clone();
        wrongKey[0] ^= 1;
        var wrong = new CheckpointSerializer(new SerializerOptions { EncryptionKey = wrongKey });

        var error = Assert.Throws<UnknownKeyException>(() => wrong.Deserialize<List<string>>(blob, Location));

        AssertNamesLocation(error, Thread, CheckpointId, Channel);
        Assert.Equal(Envelope.KeyIdOf(Key), error.KeyId);
    }

    [Fact]
    public void Encrypted_blob_without_a_key_is_incompatible_not_corrupt()
    {
        var blob = SampleBlob(Options("aes"));

        var error = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.Deserialize<List<string>>(blob, Location));

        Assert.Equal(new BlobLocation(Thread, CheckpointId, Channel), error.Location);
        Assert.Contains("EncryptionKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_envelope_read_as_the_wrong_type_is_incompatible_not_corrupt()
    {
        var blob = CheckpointSerializer.Default.Serialize("text");

        var error = Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.Deserialize<List<int>>(blob, Location));

        Assert.Equal((Thread, (Guid?)CheckpointId, Channel), (error.ThreadId, error.CheckpointId, error.Channel));
        Assert.Contains(CheckpointId.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_aes_key_size_is_rejected_up_front()
    {
        Assert.Throws<ArgumentException>(() => new CheckpointSerializer(new SerializerOptions { EncryptionKey = new byte[15] }));
    }
}
