using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

public sealed class EnvelopePropertyTests
{
    private static readonly BlobLocation Location = new("thread-e", Guid.NewGuid(), "channel-e");

    [Property]
    public void Round_trips_random_payloads_and_schema_versions(byte[] payload, ushort schemaVersion)
    {
        var options = new SerializerOptions();

        var blob = Envelope.Wrap(payload, schemaVersion, options);
        var (read, version) = Envelope.Unwrap(blob, options, Location);

        Assert.Equal(payload, read);
        Assert.Equal(schemaVersion, version);
    }

    [Property]
    public void Round_trips_with_any_compression_threshold(byte[] payload, ushort schemaVersion, NonNegativeInt threshold, PositiveInt repeat)
    {
        var options = new SerializerOptions { CompressionThreshold = threshold.Get };
        var repeated = Enumerable.Repeat(payload, Math.Min(repeat.Get, 50)).SelectMany(b => b).ToArray();

        var blob = Envelope.Wrap(repeated, schemaVersion, options);
        var (read, version) = Envelope.Unwrap(blob, options, Location);

        Assert.Equal(repeated, read);
        Assert.Equal(schemaVersion, version);
        if (repeated.Length < threshold.Get)
        {
            Assert.Equal(0, blob[3] & (byte)EnvelopeCodecs.Lz4);
        }
    }

    [Property]
    public void Compressible_payloads_above_the_threshold_are_compressed(byte value, PositiveInt extra)
    {
        var options = new SerializerOptions { CompressionThreshold = 64 };
        var payload = Enumerable.Repeat(value, 64 + Math.Min(extra.Get, 5000)).ToArray();

        var blob = Envelope.Wrap(payload, 1, options);

        Assert.Equal((byte)EnvelopeCodecs.Lz4, blob[3]);
        Assert.True(blob.Length < payload.Length);
        Assert.Equal(payload, Envelope.Unwrap(blob, options, Location).Payload);
    }

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Round_trips_with_an_aes_key(byte[] payload, ushort schemaVersion, AesKey key, bool compress)
    {
        var options = new SerializerOptions { EncryptionKey = key.Bytes, CompressionThreshold = compress ? 0 : int.MaxValue };
        var repeated = payload.Concat(payload).Concat(payload).ToArray();

        var blob = Envelope.Wrap(repeated, schemaVersion, options);
        var (read, version) = Envelope.Unwrap(blob, options, Location);

        Assert.Equal(repeated, read);
        Assert.Equal(schemaVersion, version);
        Assert.NotEqual(0, blob[3] & (byte)EnvelopeCodecs.AesGcm);
    }

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Encryption_uses_a_fresh_nonce_each_time(NonEmptyArray<byte> payload, AesKey key)
    {
        var options = new SerializerOptions { EncryptionKey = key.Bytes };

        Assert.NotEqual(Envelope.Wrap(payload.Get, 0, options), Envelope.Wrap(payload.Get, 0, options));
    }

    [Fact]
    public void Header_has_magic_format_version_schema_and_length()
    {
        var payload = new byte[] { 1, 2, 3 };

        var blob = Envelope.Wrap(payload, 0x0102, new SerializerOptions());

        Assert.Equal(Envelope.HeaderSize + 3, blob.Length);
        Assert.Equal(Envelope.FormatVersion, blob[2]);
        Assert.Equal(0, blob[3]);
        Assert.Equal([0x02, 0x01], blob[4..6]);
        Assert.Equal([3, 0, 0, 0], blob[6..10]);
        Assert.Equal(payload, blob[Envelope.HeaderSize..]);
    }
}
