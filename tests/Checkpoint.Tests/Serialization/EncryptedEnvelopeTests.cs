using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// What someone who can write to the store (and so recompute CRCs) cannot do to encrypted blobs:
/// change their header, move them to another place, or replace them with plaintext.
/// </summary>
public sealed class EncryptedEnvelopeTests
{
    private static readonly byte[] Key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly SerializerOptions Encrypting = new() { EncryptionKey = Key };
    private static readonly SerializerOptions Migrating = Encrypting with { ReadLegacyBlobs = true };
    private static readonly BlobLocation Location = new("thread-x", Guid.NewGuid(), "channel-x");
    private static readonly BlobAddress Here = BlobAddress.Chunk("thread-x", "", Guid.CreateVersion7(), 0);

    [Property]
    public void Encrypted_blobs_round_trip_at_their_address(byte[] payload, ushort schemaVersion, NonNegativeInt threshold)
    {
        var options = Encrypting with { CompressionThreshold = threshold.Get };

        var blob = Envelope.Wrap(payload, schemaVersion, options, Here);
        var (read, version) = Envelope.Unwrap(blob, options, Location, Here);

        Assert.Equal(Envelope.EncryptedFormatVersion, blob[2]);
        Assert.Equal(payload, read);
        Assert.Equal(schemaVersion, version);
    }

    [Property(MaxTest = 300)]
    public void Any_edit_of_the_header_with_a_recomputed_crc_is_refused(byte[] payload, byte offset, byte xor)
    {
        var blob = Envelope.Wrap(payload, 3, Encrypting, Here);
        var edited = (byte[])blob.Clone();
        var at = 2 + (offset % 8); // format, flags, schema version, payload length
        edited[at] ^= xor == 0 ? (byte)1 : xor;
        WithRecomputedCrc(edited);

        var error = Record.Exception(() => Envelope.Unwrap(edited, Encrypting, Location, Here));
        Assert.True(error is CorruptCheckpointException, error?.GetType().Name ?? "accepted");
    }

    [Fact]
    public void A_changed_schema_version_is_refused_even_with_a_valid_crc()
    {
        var blob = Envelope.Wrap("value"u8, 1, Encrypting, Here);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), 2);
        WithRecomputedCrc(blob);

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, Encrypting, Location, Here));
        Assert.Contains("decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_read_at_another_address_does_not_decrypt()
    {
        var blobId = Guid.CreateVersion7();
        var checkpoint = Guid.CreateVersion7();
        var elsewhere = new[]
        {
            BlobAddress.Chunk("other-thread", "", blobId, 0),
            BlobAddress.Chunk("thread-x", "sub", blobId, 0),
            BlobAddress.Chunk("thread-x", "", Guid.CreateVersion7(), 0),
            BlobAddress.Chunk("thread-x", "", blobId, 1),
            BlobAddress.Record("thread-x", "", checkpoint),
            BlobAddress.Write("thread-x", "", checkpoint, "task", 0, "channel"),
            BlobAddress.None,
        };
        var blob = Envelope.Wrap("value"u8, 0, Encrypting, BlobAddress.Chunk("thread-x", "", blobId, 0));

        foreach (var address in elsewhere)
        {
            Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, Encrypting, Location, address));
        }
    }

    [Fact]
    public void Addresses_whose_parts_join_to_the_same_text_differ()
    {
        Assert.NotEqual(BlobAddress.Write("a", "b", Guid.Empty, "c", 1, "d"), BlobAddress.Write("a", "", Guid.Empty, "bc", 1, "d"));
        Assert.NotEqual(BlobAddress.Record("ab", "", Guid.Empty), BlobAddress.Record("a", "b", Guid.Empty));
    }

    [Fact]
    public void A_plaintext_blob_is_refused_with_a_key_and_read_in_migration_mode()
    {
        var plaintext = Envelope.Wrap("forged"u8, 0, new SerializerOptions(), Here);

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(plaintext, Encrypting, Location, Here));
        Assert.Contains(nameof(SerializerOptions.ReadLegacyBlobs), error.Message, StringComparison.Ordinal);
        Assert.Equal(Location, error.Location);
        Assert.Equal("forged"u8.ToArray(), Envelope.Unwrap(plaintext, Migrating, Location, Here).Payload);
    }

    [Fact]
    public void A_format_1_encrypted_blob_of_older_builds_is_read_only_in_migration_mode()
    {
        var legacy = LegacyEncrypted("old secret"u8, schemaVersion: 4);

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(legacy, Encrypting, Location, Here));
        Assert.Contains(nameof(SerializerOptions.ReadLegacyBlobs), error.Message, StringComparison.Ordinal);
        var (payload, version) = Envelope.Unwrap(legacy, Migrating, Location, Here);
        Assert.Equal("old secret"u8.ToArray(), payload);
        Assert.Equal(4, version);
    }

    [Fact]
    public void A_format_2_blob_without_the_encryption_flag_is_refused()
    {
        var blob = Envelope.Wrap("value"u8, 0, new SerializerOptions(), Here);
        blob[2] = Envelope.EncryptedFormatVersion;
        WithRecomputedCrc(blob);

        Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, new SerializerOptions(), Location, Here));
        Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, Migrating, Location, Here));
    }

    [Fact]
    public void Rebind_moves_a_blob_to_a_new_address_only_with_the_key()
    {
        var serializer = new CheckpointSerializer(Encrypting);
        var there = BlobAddress.Chunk("copy", "", Guid.CreateVersion7(), 0);
        var blob = serializer.Serialize("moved", address: Here);

        var rebound = serializer.Rebind(blob, Here, there, Location);

        Assert.Equal("moved", serializer.Deserialize<string>(rebound, Location, there));
        Assert.Throws<CorruptCheckpointException>(() => serializer.Deserialize<string>(rebound, Location, Here));
        Assert.Same(blob, CheckpointSerializer.Default.Rebind(blob, Here, there, Location)); // unencrypted blobs are not bound
    }

    [Fact]
    public void Metadata_index_values_are_keyed_hashes_with_a_key_and_the_value_without()
    {
        var keyed = new CheckpointSerializer(Encrypting);
        var otherKey = new CheckpointSerializer(new SerializerOptions { EncryptionKey = new byte[32] });

        Assert.Equal("alice", CheckpointSerializer.Default.MetadataIndexValue("user", "alice"));
        Assert.Equal(keyed.MetadataIndexValue("user", "alice"), keyed.MetadataIndexValue("user", "alice"));
        Assert.DoesNotContain("alice", keyed.MetadataIndexValue("user", "alice"), StringComparison.Ordinal);
        Assert.NotEqual(keyed.MetadataIndexValue("user", "alice"), keyed.MetadataIndexValue("owner", "alice"));
        Assert.NotEqual(keyed.MetadataIndexValue("user", "alice"), otherKey.MetadataIndexValue("user", "alice"));
    }

    /// <summary>An encrypted blob as builds before format 2 wrote it: format 1, AES-GCM over the body only.</summary>
    private static byte[] LegacyEncrypted(ReadOnlySpan<byte> payload, ushort schemaVersion)
    {
        var blob = new byte[Envelope.HeaderSize + 12 + payload.Length + 16];
        blob[0] = 0xC4;
        blob[1] = 0x4B;
        blob[2] = Envelope.FormatVersion;
        blob[3] = (byte)EnvelopeCodecs.AesGcm;
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), schemaVersion);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), payload.Length);
        var body = blob.AsSpan(Envelope.HeaderSize);
        RandomNumberGenerator.Fill(body[..12]);
        using var aes = new AesGcm(Key, 16);
        aes.Encrypt(body[..12], payload, body.Slice(12, payload.Length), body[(12 + payload.Length)..]);
        return WithRecomputedCrc(blob);
    }

    private static byte[] WithRecomputedCrc(byte[] blob)
    {
        var crc = new Crc32();
        crc.Append(blob.AsSpan(0, 10));
        crc.Append(blob.AsSpan(Envelope.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(10), crc.GetCurrentHashAsUInt32());
        return blob;
    }
}
