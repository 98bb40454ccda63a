using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
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
/// <para>
/// Format 1 is a plaintext blob. Format 2 is an encrypted one: AES-GCM authenticates, besides the
/// body, the 10 header bytes and the blob's <see cref="BlobAddress"/>, so without the key no one
/// can change its header, move it to another thread, checkpoint, chunk or write, or replace it
/// with a plaintext blob (a serializer with a key refuses format 1 unless
/// <see cref="SerializerOptions.ReadLegacyBlobs"/> is on). Format 1 blobs with the AES-GCM flag
/// were written by builds before format 2; they are read only in that same migration mode.
/// </para>
/// <para>
/// Format 3 (written by this build when a key is set) is format 2 with the id of the key after the
/// header: header (14) | key id (4) | nonce (12) | ciphertext | tag (16). The key id is
/// authenticated with the header and covered by the CRC, and lets a reader holding several keys
/// (<see cref="SerializerOptions.DecryptionKeys"/>) pick the right one, or name the missing one.
/// </para>
/// </summary>
public static class Envelope
{
    /// <summary>Bytes before the body.</summary>
    public const int HeaderSize = 14;

    /// <summary>The envelope format of plaintext blobs.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The envelope format of encrypted blobs: key id, header and address authenticated.</summary>
    public const byte EncryptedFormatVersion = 3;

    /// <summary>The envelope format of encrypted blobs written before key ids (header and address authenticated, no key id).</summary>
    public const byte UnkeyedEncryptedFormatVersion = 2;

    /// <summary>Bytes of the key id that follows the header of a format 3 blob.</summary>
    public const int KeyIdSize = 4;

    private const byte Magic0 = 0xC4;
    private const byte Magic1 = 0x4B;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int ChecksumOffset = 10;
    private const int MaxLz4Expansion = 255;

    /// <summary>At most how many bytes one byte of a Deflate stream decodes to (a run of 258-byte matches).</summary>
    private const int MaxDeflateExpansion = 1032;

    /// <summary>Wraps a payload stored at <paramref name="address"/>, compressing and encrypting it as the options say.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion, SerializerOptions options, BlobAddress address = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Wrap(payload, schemaVersion, options, address, options.CompressionThreshold);
    }

    /// <summary>Wraps a payload, LZ4-compressing it only when it is at least <paramref name="compressionThreshold"/> bytes long.</summary>
    internal static byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion, SerializerOptions options, BlobAddress address, int compressionThreshold)
    {
        if (payload.Length >= compressionThreshold)
        {
            var compressed = new byte[LZ4Codec.MaximumOutputSize(payload.Length)];
            var written = LZ4Codec.Encode(payload, compressed, LZ4Level.L00_FAST);
            if (written > 0 && written < payload.Length)
            {
                return Seal(payload.Length, compressed.AsSpan(0, written), EnvelopeCodecs.Lz4, schemaVersion, options, address);
            }
        }

        return Seal(payload.Length, payload, EnvelopeCodecs.None, schemaVersion, options, address);
    }

    /// <summary>
    /// Wraps the payload of a block (many items, written once, read often) with <see cref="SerializerOptions.BlockCompression"/>.
    /// Measured on W1 text (64 messages): Deflate 65.6 B per message, LZ4 HC 9 92.6 B; LZ4 decodes about three
    /// times faster, Deflate encodes about three times faster.
    /// </summary>
    internal static byte[] WrapBlock(ReadOnlySpan<byte> payload, ushort schemaVersion, SerializerOptions options, BlobAddress address)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (payload.Length >= options.CompressionThreshold && options.BlockCompression == BlockCompression.Lz4)
        {
            var lz4 = new byte[LZ4Codec.MaximumOutputSize(payload.Length)];
            var written = LZ4Codec.Encode(payload, lz4, LZ4Level.L09_HC);
            if (written > 0 && written < payload.Length)
            {
                return Seal(payload.Length, lz4.AsSpan(0, written), EnvelopeCodecs.Lz4, schemaVersion, options, address);
            }
        }
        else if (payload.Length >= options.CompressionThreshold)
        {
            using var compressed = new MemoryStream(payload.Length / 2);
            using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(payload);
            }

            if (compressed.Length < payload.Length)
            {
                return Seal(payload.Length, compressed.GetBuffer().AsSpan(0, (int)compressed.Length), EnvelopeCodecs.Deflate, schemaVersion, options, address);
            }
        }

        return Seal(payload.Length, payload, EnvelopeCodecs.None, schemaVersion, options, address);
    }

    /// <summary>
    /// The id a format 3 blob gives its key, as 8 lowercase hex digits: the first 4 bytes of
    /// SHA-256 over a fixed label and the key (not a hash of the bare key, and too short to help
    /// guess it). Safe to log; use it to tell which key a blob needs.
    /// </summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(KeyIdBytes(key));

    private static byte[] KeyIdBytes(ReadOnlySpan<byte> key)
    {
        var labelled = new byte[KeyIdLabel.Length + key.Length];
        KeyIdLabel.CopyTo(labelled);
        key.CopyTo(labelled.AsSpan(KeyIdLabel.Length));
        return SHA256.HashData(labelled)[..KeyIdSize];
    }

    private static ReadOnlySpan<byte> KeyIdLabel => "checkpoint envelope key id\0"u8;

    private static byte[] Seal(
        int payloadLength, ReadOnlySpan<byte> body, EnvelopeCodecs flags, ushort schemaVersion, SerializerOptions options, BlobAddress address)
    {
        var key = options.EncryptionKey;
        if (key is not null)
        {
            flags |= EnvelopeCodecs.AesGcm;
        }

        var sealedLength = key is null ? body.Length : KeyIdSize + NonceSize + body.Length + TagSize;
        var blob = new byte[HeaderSize + sealedLength];
        blob[0] = Magic0;
        blob[1] = Magic1;
        blob[2] = key is null ? FormatVersion : EncryptedFormatVersion;
        blob[3] = (byte)flags;
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), schemaVersion);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), payloadLength);
        if (key is null)
        {
            body.CopyTo(blob.AsSpan(HeaderSize));
        }
        else
        {
            var keyId = blob.AsSpan(HeaderSize, KeyIdSize);
            KeyIdBytes(key).CopyTo(keyId);
            Encrypt(body, key, address.AssociatedData(KeyedHeader(blob, keyId)), blob.AsSpan(HeaderSize + KeyIdSize));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(ChecksumOffset), Checksum(blob));
        return blob;
    }

    /// <summary>
    /// Checks and opens an envelope stored at <paramref name="address"/>, returning the payload and
    /// the schema version it was written with. Throws <see cref="CorruptCheckpointException"/> (or
    /// <see cref="IncompatibleCheckpointException"/> when the options cannot read it: no key for an
    /// encrypted blob) naming <paramref name="location"/>.
    /// </summary>
    public static (byte[] Payload, ushort SchemaVersion) Unwrap(
        ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address = default)
    {
        var opened = Open(blob, options, location, address);
        var payload = new byte[opened.PayloadLength];
        Decode(opened, payload, location);
        return (payload, opened.SchemaVersion);
    }

    /// <summary>
    /// <see cref="Unwrap"/> into a buffer rented from <see cref="ArrayPool{T}.Shared"/>, for a payload that is decoded
    /// once and dropped: dispose the result to give the buffer back (cleared first when the blob was encrypted).
    /// </summary>
    internal static RentedPayload UnwrapRented(ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address)
    {
        var opened = Open(blob, options, location, address);
        var rented = new RentedPayload(opened.PayloadLength, opened.SchemaVersion, clear: (opened.Flags & EnvelopeCodecs.AesGcm) != 0);
        try
        {
            Decode(opened, rented.Buffer.AsSpan(0, opened.PayloadLength), location);
            return rented;
        }
        catch
        {
            rented.Dispose();
            throw;
        }
    }

    /// <summary>Decompresses an opened body into <paramref name="payload"/>, exactly its declared length.</summary>
    private static void Decode(OpenedBlob opened, Span<byte> payload, BlobLocation location)
    {
        var body = opened.Body;
        if ((opened.Flags & EnvelopeCodecs.Deflate) != 0)
        {
            Inflate(body, payload, location);
        }
        else if ((opened.Flags & EnvelopeCodecs.Lz4) == 0)
        {
            if (body.Length != payload.Length)
            {
                throw new CorruptCheckpointException(location, $"payload is {body.Length} bytes, header says {payload.Length}.");
            }

            body.CopyTo(payload);
        }
        else if (LZ4Codec.Decode(body, payload) is var decoded && decoded != payload.Length)
        {
            throw new CorruptCheckpointException(location, $"LZ4 body decoded to {decoded} bytes, header says {payload.Length}.");
        }
    }

    /// <summary>
    /// The blob sealed again under the current key without decompressing it: same codec, same compressed
    /// bytes, same schema version. Its header, checksum, key and declared length are checked as by
    /// <see cref="Unwrap"/>; the body is not decompressed (it was authenticated or checksummed as stored).
    /// </summary>
    internal static byte[] Reseal(ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address)
    {
        var opened = Open(blob, options, location, address);
        return Seal(opened.PayloadLength, opened.Body, opened.Flags & ~EnvelopeCodecs.AesGcm, opened.SchemaVersion, options, address);
    }

    /// <summary>A checked, decrypted envelope whose body is still compressed.</summary>
    private readonly ref struct OpenedBlob(ReadOnlySpan<byte> body, EnvelopeCodecs flags, int payloadLength, ushort schemaVersion)
    {
        public ReadOnlySpan<byte> Body { get; } = body;

        public EnvelopeCodecs Flags { get; } = flags;

        public int PayloadLength { get; } = payloadLength;

        public ushort SchemaVersion { get; } = schemaVersion;
    }

    /// <summary>Checks the header, checksum and declared length, and decrypts the body.</summary>
    private static OpenedBlob Open(ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address)
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

        var format = blob[2];
        if (format is not (FormatVersion or UnkeyedEncryptedFormatVersion or EncryptedFormatVersion))
        {
            throw new CorruptCheckpointException(
                location, $"unknown envelope format version {format} (this build reads {FormatVersion} to {EncryptedFormatVersion}).");
        }

        var flags = (EnvelopeCodecs)blob[3];
        if ((flags & ~(EnvelopeCodecs.Lz4 | EnvelopeCodecs.AesGcm | EnvelopeCodecs.Deflate)) != 0 ||
            (flags & (EnvelopeCodecs.Lz4 | EnvelopeCodecs.Deflate)) == (EnvelopeCodecs.Lz4 | EnvelopeCodecs.Deflate))
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

        var encrypted = (flags & EnvelopeCodecs.AesGcm) != 0;
        if (format != FormatVersion && !encrypted)
        {
            throw new CorruptCheckpointException(location, $"a format {format} blob must be encrypted but its AES-GCM flag is not set.");
        }

        if (format == EncryptedFormatVersion)
        {
            body = DecryptKeyed(blob, options, location, address);
        }
        else if (format == UnkeyedEncryptedFormatVersion && (options.EncryptionKey is not null || options.DecryptionKeys.Count > 0))
        {
            body = DecryptUnkeyed(blob, options, location, address);
        }
        else if (options.EncryptionKey is { } key)
        {
            if (!options.ReadLegacyBlobs)
            {
                throw new CorruptCheckpointException(location, encrypted
                    ? "blob was encrypted by an older build without authenticating its header and address; it is read only " +
                      "with SerializerOptions.ReadLegacyBlobs on (a migration mode: copy the thread to re-encrypt it)."
                    : "blob is not encrypted but an encryption key is configured: it was written before encryption was turned " +
                      "on, or forged by someone who can write to the store. Set SerializerOptions.ReadLegacyBlobs to read " +
                      "such blobs while migrating (copy the thread to re-encrypt it).");
            }

            if (encrypted)
            {
                body = Decrypt(body, key, [], location);
            }
        }
        else if (encrypted)
        {
            throw new IncompatibleCheckpointException(
                location, "blob is encrypted but no encryption key is configured (set SerializerOptions.EncryptionKey on the saver's serializer).");
        }

        var expansion = (flags & EnvelopeCodecs.Lz4) != 0 ? MaxLz4Expansion : (flags & EnvelopeCodecs.Deflate) != 0 ? MaxDeflateExpansion : 1;
        CheckDeclaredLength(payloadLength, body.Length, expansion, options, location);
        return new OpenedBlob(body, flags, payloadLength, schemaVersion);
    }

    /// <summary>The body of a format 3 blob, decrypted with the configured key its key id names.</summary>
    private static byte[] DecryptKeyed(ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address)
    {
        if (blob.Length < HeaderSize + KeyIdSize)
        {
            throw new CorruptCheckpointException(location, "format 3 blob is shorter than its header and key id.");
        }

        var keyId = blob.Slice(HeaderSize, KeyIdSize);
        var associatedData = address.AssociatedData(KeyedHeader(blob, keyId));
        var sealedBody = blob[(HeaderSize + KeyIdSize)..];
        byte[]? matched = null;
        foreach (var key in Keys(options))
        {
            if (!keyId.SequenceEqual(KeyIdBytes(key)))
            {
                continue;
            }

            // Two keys sharing a 4-byte id are unlikely but possible: the tag tells which one sealed the blob.
            matched = key;
            if (TryDecrypt(sealedBody, key, associatedData, location, out var plain))
            {
                return plain;
            }
        }

        if (matched is null)
        {
            if (options.EncryptionKey is null && options.DecryptionKeys.Count == 0)
            {
                throw new IncompatibleCheckpointException(location,
                    $"blob is encrypted (key id {Convert.ToHexStringLower(keyId)}) but no encryption key is configured " +
                    "(set SerializerOptions.EncryptionKey on the saver's serializer).");
            }

            throw new UnknownKeyException(location, Convert.ToHexStringLower(keyId), [.. Keys(options).Select(k => KeyIdOf(k))]);
        }

        throw new CorruptCheckpointException(location,
            $"decryption with key id {Convert.ToHexStringLower(keyId)} failed: tampered data, a blob moved from another thread, " +
            "checkpoint or channel, or a different key that has the same id.");
    }

    /// <summary>The body of a format 2 blob (no key id): the encrypting key is tried first, then the decryption keys in order.</summary>
    private static byte[] DecryptUnkeyed(ReadOnlySpan<byte> blob, SerializerOptions options, BlobLocation location, BlobAddress address)
    {
        var associatedData = address.AssociatedData(blob[..ChecksumOffset]);
        var tried = 0;
        foreach (var key in Keys(options))
        {
            tried++;
            if (TryDecrypt(blob[HeaderSize..], key, associatedData, location, out var plain))
            {
                return plain;
            }
        }

        throw new CorruptCheckpointException(location,
            $"decryption failed with each of the {tried} configured keys: wrong key (a format 2 blob does not name its key), " +
            "tampered data, or a blob moved from another thread, checkpoint or channel.");
    }

    /// <summary>The configured keys, the encrypting one first.</summary>
    private static IEnumerable<byte[]> Keys(SerializerOptions options)
    {
        if (options.EncryptionKey is { } key)
        {
            yield return key;
        }

        foreach (var decryptionKey in options.DecryptionKeys)
        {
            yield return decryptionKey;
        }
    }

    /// <summary>What format 3 authenticates besides the address: the 10 header bytes before the CRC and the key id.</summary>
    private static byte[] KeyedHeader(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> keyId)
    {
        var header = new byte[ChecksumOffset + KeyIdSize];
        blob[..ChecksumOffset].CopyTo(header);
        keyId.CopyTo(header.AsSpan(ChecksumOffset));
        return header;
    }

    /// <summary>The id of the key a stored blob was encrypted with, or null for a blob that does not name one (plaintext, format 1 or 2).</summary>
    public static string? KeyIdOfBlob(ReadOnlySpan<byte> blob) =>
        blob.Length >= HeaderSize + KeyIdSize && blob[0] == Magic0 && blob[1] == Magic1 && blob[2] == EncryptedFormatVersion
            ? Convert.ToHexStringLower(blob.Slice(HeaderSize, KeyIdSize))
            : null;

    /// <summary>Decodes a Deflate body to exactly the length of <paramref name="payload"/>, or throws a <see cref="CorruptCheckpointException"/>.</summary>
    private static void Inflate(ReadOnlySpan<byte> body, Span<byte> payload, BlobLocation location)
    {
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(body.ToArray(), writable: false), CompressionMode.Decompress);
            var read = 0;
            while (read < payload.Length && deflate.Read(payload[read..]) is var n and > 0)
            {
                read += n;
            }

            Span<byte> extra = stackalloc byte[1];
            if (read != payload.Length || deflate.Read(extra) != 0)
            {
                throw new CorruptCheckpointException(location, $"Deflate body does not decode to the {payload.Length} bytes its header says.");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new CorruptCheckpointException(location, $"Deflate body is damaged: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Refuses a payload length the body cannot hold before anything is allocated for it: an LZ4
    /// block expands at most 255 times (a 1-byte token, a 2-byte offset and n bytes of 255 give at
    /// most 19 + 255n output bytes), Deflate at most 1032 times, so a larger declared length is damage;
    /// one over <see cref="SerializerOptions.MaxValueBytes"/> was written with a higher limit.
    /// </summary>
    private static void CheckDeclaredLength(int payloadLength, int bodyLength, int expansion, SerializerOptions options, BlobLocation location)
    {
        var most = expansion * (long)bodyLength;
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

    private static void Encrypt(ReadOnlySpan<byte> plain, byte[] key, ReadOnlySpan<byte> associatedData, Span<byte> sealedBody)
    {
        var nonce = sealedBody[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBody.Slice(NonceSize, plain.Length), sealedBody.Slice(NonceSize + plain.Length, TagSize), associatedData);
    }

    private static bool TryDecrypt(
        ReadOnlySpan<byte> sealedBody, byte[] key, ReadOnlySpan<byte> associatedData, BlobLocation location, out byte[] plain)
    {
        try
        {
            plain = Decrypt(sealedBody, key, associatedData, location);
            return true;
        }
        catch (CorruptCheckpointException ex) when (ex.InnerException is CryptographicException)
        {
            plain = [];
            return false;
        }
    }

    private static byte[] Decrypt(ReadOnlySpan<byte> sealedBody, byte[] key, ReadOnlySpan<byte> associatedData, BlobLocation location)
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
            aes.Decrypt(sealedBody[..NonceSize], sealedBody.Slice(NonceSize, cipherLength), sealedBody[(NonceSize + cipherLength)..], plain, associatedData);
        }
        catch (CryptographicException ex)
        {
            throw new CorruptCheckpointException(
                location, "decryption failed: wrong key, tampered data, or a blob moved from another thread, checkpoint or channel.", ex);
        }

        return plain;
    }
}
