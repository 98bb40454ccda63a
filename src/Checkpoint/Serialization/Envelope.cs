using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using K4os.Compression.LZ4;

namespace Checkpoint.Serialization;

/// <summary>
/// The envelope around every stored blob:
/// magic (2) | format version (1) | flags (1) | schema version (2, LE) | payload length (4, LE) |
/// CRC-32 (4, LE) | body. The body is the payload, LZ4-compressed and/or encrypted as the flags say;
/// the payload length is its length before compression. The CRC-32 covers the 10 header bytes
/// before it and the body, so a change to any byte (schema version included) is detected.
/// </summary>
public static class Envelope
{
    /// <summary>Bytes before the body.</summary>
    public const int HeaderSize = 14;

    /// <summary>The envelope format this code writes.</summary>
    public const byte FormatVersion = 1;

    private const byte Magic0 = 0xC4;
    private const byte Magic1 = 0x4B;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int ChecksumOffset = 10;
    private const int MaxLz4Expansion = 255;

    /// <summary>Wraps a payload, compressing and encrypting it as the options say.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion, SerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var flags = EnvelopeCodecs.None;
        ReadOnlySpan<byte> body = payload;
        if (payload.Length >= options.CompressionThreshold)
        {
            var compressed = new byte[LZ4Codec.MaximumOutputSize(payload.Length)];
            var written = LZ4Codec.Encode(payload, compressed, LZ4Level.L00_FAST);
            if (written > 0 && written < payload.Length)
            {
                body = compressed.AsSpan(0, written);
                flags |= EnvelopeCodecs.Lz4;
            }
        }

        if (options.EncryptionKey is { } key)
        {
            body = Encrypt(body, key);
            flags |= EnvelopeCodecs.AesGcm;
        }

        var blob = new byte[HeaderSize + body.Length];
        blob[0] = Magic0;
        blob[1] = Magic1;
        blob[2] = FormatVersion;
        blob[3] = (byte)flags;
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), schemaVersion);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), payload.Length);
        body.CopyTo(blob.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(ChecksumOffset), Checksum(blob));
        return blob;
    }

    /// <summary>
    /// Checks and opens an envelope, returning the payload and the schema version it was written
    /// with. Throws <see cref="CorruptCheckpointException"/> naming <paramref name="location"/>.
    /// </summary>
    public static (byte[] Payload, ushort SchemaVersion) Unwrap(
        ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (blob.Length < HeaderSize)
        {
            throw new CorruptCheckpointException(location, $"blob is {blob.Length} bytes, shorter than its {HeaderSize}-byte header.");
        }

        if (blob[0] != Magic0 || blob[1] != Magic1)
        {
            throw new CorruptCheckpointException(location, "blob does not start with the envelope magic bytes.");
        }

        if (blob[2] != FormatVersion)
        {
            throw new CorruptCheckpointException(location, $"unknown envelope format version {blob[2]} (this build reads {FormatVersion}).");
        }

        var flags = (EnvelopeCodecs)blob[3];
        if ((flags & ~(EnvelopeCodecs.Lz4 | EnvelopeCodecs.AesGcm)) != 0)
        {
            throw new CorruptCheckpointException(location, $"unknown codec flags 0x{blob[3]:X2}.");
        }

        var schemaVersion = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(blob[6..]);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(blob[ChecksumOffset..]);
        var body = blob[HeaderSize..];
        if (Checksum(blob) != checksum)
        {
            throw new CorruptCheckpointException(location, "checksum mismatch: the stored bytes were changed or truncated.");
        }

        if (payloadLength < 0)
        {
            throw new CorruptCheckpointException(location, $"negative payload length {payloadLength}.");
        }

        if ((flags & EnvelopeCodecs.AesGcm) != 0)
        {
            var key = options.EncryptionKey
                ?? throw new CorruptCheckpointException(location, "blob is encrypted but no encryption key is configured.");
            body = Decrypt(body, key, location);
        }

        CheckDeclaredLength(payloadLength, body.Length, (flags & EnvelopeCodecs.Lz4) != 0, options, location);

        if ((flags & EnvelopeCodecs.Lz4) == 0)
        {
            if (body.Length != payloadLength)
            {
                throw new CorruptCheckpointException(location, $"payload is {body.Length} bytes, header says {payloadLength}.");
            }

            return (body.ToArray(), schemaVersion);
        }

        var payload = new byte[payloadLength];
        var decoded = LZ4Codec.Decode(body, payload);
        if (decoded != payloadLength)
        {
            throw new CorruptCheckpointException(location, $"LZ4 body decoded to {decoded} bytes, header says {payloadLength}.");
        }

        return (payload, schemaVersion);
    }

    /// <summary>
    /// Refuses a payload length the body cannot hold before anything is allocated for it: an LZ4
    /// block expands at most 255 times (a 1-byte token, a 2-byte offset and n bytes of 255 give at
    /// most 19 + 255n output bytes), so a larger declared length is damage; one over
    /// <see cref="SerializerOptions.MaxValueBytes"/> was written with a higher limit.
    /// </summary>
    private static void CheckDeclaredLength(int payloadLength, int bodyLength, bool lz4, SerializerOptions options, BlobLocation location)
    {
        var most = lz4 ? MaxLz4Expansion * (long)bodyLength : bodyLength;
        if (payloadLength > most)
        {
            throw new CorruptCheckpointException(location, $"header declares a {payloadLength}-byte payload; the {bodyLength}-byte body holds at most {most}.");
        }

        if (payloadLength > options.MaxValueBytes)
        {
            throw new IncompatibleCheckpointException(location,
                $"the payload is {payloadLength} bytes, over SerializerOptions.MaxValueBytes ({options.MaxValueBytes}); it was written with a higher limit.");
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> blob)
    {
        var crc = new Crc32();
        crc.Append(blob[..ChecksumOffset]);
        crc.Append(blob[HeaderSize..]);
        return crc.GetCurrentHashAsUInt32();
    }

    private static byte[] Encrypt(ReadOnlySpan<byte> plain, byte[] key)
    {
        var sealedBody = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBody.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBody.AsSpan(NonceSize, plain.Length), sealedBody.AsSpan(NonceSize + plain.Length));
        return sealedBody;
    }

    private static byte[] Decrypt(ReadOnlySpan<byte> sealedBody, byte[] key, BlobLocation location)
    {
        if (sealedBody.Length < NonceSize + TagSize)
        {
            throw new CorruptCheckpointException(location, "encrypted body is shorter than its nonce and tag.");
        }

        var cipherLength = sealedBody.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBody[..NonceSize], sealedBody.Slice(NonceSize, cipherLength), sealedBody[(NonceSize + cipherLength)..], plain);
        }
        catch (CryptographicException ex)
        {
            throw new CorruptCheckpointException(location, "decryption failed: wrong key or tampered data.", ex);
        }

        return plain;
    }
}
