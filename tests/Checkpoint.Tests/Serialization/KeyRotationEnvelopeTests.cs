using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

/// <summary>Envelope format 3: blobs name their key id; one key encrypts, several decrypt.</summary>
public sealed class KeyRotationEnvelopeTests
{
    private static readonly byte[] OldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] NewKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly BlobLocation Location = new("thread-k", Guid.NewGuid(), "channel-k");
    private static readonly BlobAddress Here = BlobAddress.Chunk("thread-k", "", Guid.CreateVersion7(), 0);

    [Property]
    public void Format_3_round_trips_and_names_the_encrypting_key(byte[] payload, ushort schemaVersion, NonNegativeInt threshold, bool aes128)
    {
        var key = aes128 ? NewKey[..16] : NewKey;
        var options = new SerializerOptions { EncryptionKey = key, DecryptionKeys = [OldKey], CompressionThreshold = threshold.Get };

        var blob = Envelope.Wrap(payload, schemaVersion, options, Here);
        var (read, version) = Envelope.Unwrap(blob, options, Location, Here);

        Assert.Equal(Envelope.EncryptedFormatVersion, blob[2]);
        Assert.Equal(Envelope.KeyIdOf(key), Envelope.KeyIdOfBlob(blob));
        Assert.Equal(payload, read);
        Assert.Equal(schemaVersion, version);
    }

    [Property]
    public void A_blob_sealed_with_an_old_key_reads_when_that_key_is_among_the_decryption_keys(byte[] payload, byte position)
    {
        var blob = Envelope.Wrap(payload, 7, new SerializerOptions { EncryptionKey = OldKey }, Here);
        var others = Enumerable.Range(0, 3).Select(i => Enumerable.Repeat((byte)(50 + i), 32).ToArray()).ToList();
        others.Insert(position % 4, OldKey);

        var (read, version) = Envelope.Unwrap(blob, new SerializerOptions { EncryptionKey = NewKey, DecryptionKeys = others }, Location, Here);

        Assert.Equal(payload, read);
        Assert.Equal(7, version);
    }

    [Property(MaxTest = 300)]
    public void Any_edit_of_the_key_id_with_a_recomputed_crc_is_refused(byte[] payload, byte offset, byte xor)
    {
        var options = new SerializerOptions { EncryptionKey = NewKey, DecryptionKeys = [OldKey] };
        var blob = Envelope.Wrap(payload, 0, options, Here);
        blob[Envelope.HeaderSize + (offset % Envelope.KeyIdSize)] ^= xor == 0 ? (byte)1 : xor;
        WithRecomputedCrc(blob);

        var error = Record.Exception(() => Envelope.Unwrap(blob, options, Location, Here));

        Assert.True(error is UnknownKeyException or CorruptCheckpointException, error?.GetType().Name ?? "accepted");
    }

    [Fact]
    public void A_missing_key_is_named_by_its_id_with_the_location_and_the_configured_ids()
    {
        var blob = Envelope.Wrap("secret"u8, 0, new SerializerOptions { EncryptionKey = OldKey }, Here);

        var error = Assert.Throws<UnknownKeyException>(() => Envelope.Unwrap(blob, new SerializerOptions { EncryptionKey = NewKey }, Location, Here));

        Assert.Equal(Envelope.KeyIdOf(OldKey), error.KeyId);
        Assert.Equal(Location, error.Location);
        Assert.Contains(Envelope.KeyIdOf(OldKey), error.Message, StringComparison.Ordinal);
        Assert.Contains(Envelope.KeyIdOf(NewKey), error.Message, StringComparison.Ordinal);
        Assert.Contains("thread-k", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SerializerOptions.DecryptionKeys), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_key_an_encrypted_blob_is_incompatible_and_names_its_key_id()
    {
        var blob = Envelope.Wrap("secret"u8, 0, new SerializerOptions { EncryptionKey = OldKey }, Here);

        var error = Assert.Throws<IncompatibleCheckpointException>(() => Envelope.Unwrap(blob, new SerializerOptions(), Location, Here));

        Assert.Contains("no encryption key", error.Message, StringComparison.Ordinal);
        Assert.Contains(Envelope.KeyIdOf(OldKey), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_key_under_the_right_id_fails_authentication()
    {
        // Hashed ids make this an accident of 1 in 2^32, or a forgery: the blob claims the reader's key id.
        var blob = Envelope.Wrap("secret"u8, 0, new SerializerOptions { EncryptionKey = OldKey }, Here);
        Convert.FromHexString(Envelope.KeyIdOf(NewKey)).CopyTo(blob.AsSpan(Envelope.HeaderSize));
        WithRecomputedCrc(blob);

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, new SerializerOptions { EncryptionKey = NewKey }, Location, Here));

        Assert.Contains("decryption with key id " + Envelope.KeyIdOf(NewKey) + " failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(Location, error.Location);
    }

    [Fact]
    public void Format_2_blobs_without_a_key_id_read_with_the_encrypting_key_or_any_decryption_key()
    {
        var underOld = Format2("two"u8, OldKey);
        var underNew = Format2("two"u8, NewKey);
        var rotated = new SerializerOptions { EncryptionKey = NewKey, DecryptionKeys = [OldKey] };

        Assert.Equal("two"u8.ToArray(), Envelope.Unwrap(underOld, rotated, Location, Here).Payload);
        Assert.Equal("two"u8.ToArray(), Envelope.Unwrap(underNew, rotated, Location, Here).Payload);
        Assert.Equal("two"u8.ToArray(), Envelope.Unwrap(underNew, new SerializerOptions { EncryptionKey = NewKey }, Location, Here).Payload);
        Assert.Null(Envelope.KeyIdOfBlob(underOld));

        var wrong = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(underOld, new SerializerOptions { EncryptionKey = NewKey }, Location, Here));
        Assert.Contains("each of the 1 configured keys", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decryption_keys_alone_read_encrypted_blobs_and_new_blobs_are_written_in_plaintext()
    {
        var decryptOnly = new SerializerOptions { DecryptionKeys = [OldKey] };
        var blob = Envelope.Wrap("was secret"u8, 0, new SerializerOptions { EncryptionKey = OldKey }, Here);

        Assert.Equal("was secret"u8.ToArray(), Envelope.Unwrap(blob, decryptOnly, Location, Here).Payload);
        Assert.Equal(Envelope.FormatVersion, Envelope.Wrap("plain"u8, 0, decryptOnly, Here)[2]);
    }

    [Fact]
    public void Reencrypt_seals_old_blobs_with_the_current_key_and_skips_blobs_already_under_it()
    {
        var rotated = new CheckpointSerializer(new SerializerOptions { EncryptionKey = NewKey, DecryptionKeys = [OldKey] });
        var old = new CheckpointSerializer(new SerializerOptions { EncryptionKey = OldKey }).Serialize("value", address: Here);

        var resealed = rotated.Reencrypt(old, Here, Location);

        Assert.NotNull(resealed);
        Assert.Equal(rotated.EncryptionKeyId, Envelope.KeyIdOfBlob(resealed));
        Assert.Null(rotated.Reencrypt(resealed, Here, Location));
        Assert.Null(rotated.Reencrypt([], Here, Location));
        var newOnly = new CheckpointSerializer(new SerializerOptions { EncryptionKey = NewKey });
        Assert.Equal("value", newOnly.Deserialize<string>(resealed, Location, Here));
    }

    [Fact]
    public void Key_ids_are_stable_distinct_and_not_a_prefix_of_the_bare_key_hash()
    {
        Assert.Equal(Envelope.KeyIdOf(OldKey), Envelope.KeyIdOf(OldKey.ToArray()));
        Assert.NotEqual(Envelope.KeyIdOf(OldKey), Envelope.KeyIdOf(NewKey));
        Assert.Equal(2 * Envelope.KeyIdSize, Envelope.KeyIdOf(OldKey).Length);
        Assert.False(Convert.ToHexStringLower(SHA256.HashData(OldKey)).StartsWith(Envelope.KeyIdOf(OldKey), StringComparison.Ordinal));
    }

    [Fact]
    public void A_decryption_key_of_a_bad_length_is_refused_up_front()
    {
        Assert.Throws<ArgumentException>(() => new CheckpointSerializer(new SerializerOptions { EncryptionKey = NewKey, DecryptionKeys = [new byte[15]] }));
    }

    /// <summary>A blob as builds before key ids wrote it: format 2, AES-GCM over the body, the 10 header bytes and the address.</summary>
    private static byte[] Format2(ReadOnlySpan<byte> payload, byte[] key)
    {
        var blob = new byte[Envelope.HeaderSize + 12 + payload.Length + 16];
        blob[0] = 0xC4;
        blob[1] = 0x4B;
        blob[2] = Envelope.UnkeyedEncryptedFormatVersion;
        blob[3] = (byte)EnvelopeCodecs.AesGcm;
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), payload.Length);
        var associatedData = Here.AssociatedData(blob.AsSpan(0, 10));
        var body = blob.AsSpan(Envelope.HeaderSize);
        RandomNumberGenerator.Fill(body[..12]);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(body[..12], payload, body.Slice(12, payload.Length), body[(12 + payload.Length)..], associatedData);
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
