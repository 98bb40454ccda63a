using System.Buffers.Binary;
using System.Text;
using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Tests.Serialization;

/// <summary>Blocks are wrapped with Deflate (or LZ4 HC when asked): exact round trips (plain and encrypted), and damage is a <see cref="CorruptCheckpointException"/>.</summary>
public sealed class BlockEnvelopePropertyTests
{
    private static readonly BlobLocation Location = new("thread-b", Guid.NewGuid(), "channel-b");

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Blocks_round_trip_with_or_without_a_key(byte[] payload, ushort schemaVersion, AesKey key, bool encrypt, PositiveInt repeat, bool lz4)
    {
        var compression = lz4 ? BlockCompression.Lz4 : BlockCompression.Deflate;
        var options = new SerializerOptions { EncryptionKey = encrypt ? key.Bytes : null, BlockCompression = compression };
        var repeated = Enumerable.Repeat(payload, Math.Min(repeat.Get, 40)).SelectMany(b => b).ToArray();
        var address = BlobAddress.Chunk("thread-b", "", Guid.NewGuid(), 3);

        var blob = Envelope.WrapBlock(repeated, schemaVersion, options, address);
        var (read, version) = Envelope.Unwrap(blob, options, Location, address);

        Assert.Equal(repeated, read);
        Assert.Equal(schemaVersion, version);
        Assert.Equal(0, blob[3] & (byte)(lz4 ? EnvelopeCodecs.Deflate : EnvelopeCodecs.Lz4));
    }

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void A_pooled_unwrap_reads_what_unwrap_reads(byte[] payload, ushort schemaVersion, AesKey key, bool encrypt, PositiveInt repeat, bool block, bool lz4)
    {
        var options = new SerializerOptions { EncryptionKey = encrypt ? key.Bytes : null, BlockCompression = lz4 ? BlockCompression.Lz4 : BlockCompression.Deflate };
        var repeated = Enumerable.Repeat(payload, Math.Min(repeat.Get, 40)).SelectMany(b => b).ToArray();
        var address = BlobAddress.Chunk("thread-p", "", Guid.NewGuid(), 1);
        var blob = block ? Envelope.WrapBlock(repeated, schemaVersion, options, address) : Envelope.Wrap(repeated, schemaVersion, options, address);

        using var rented = Envelope.UnwrapRented(blob, options, Location, address);

        Assert.Equal(Envelope.Unwrap(blob, options, Location, address).Payload, rented.Memory.ToArray());
        Assert.Equal(schemaVersion, rented.SchemaVersion);
    }

    [Fact]
    public void A_pooled_payload_of_an_encrypted_blob_goes_back_to_the_pool_cleared()
    {
        var options = new SerializerOptions { EncryptionKey = new byte[32] };
        var secret = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("secret text ", 400)));
        var address = BlobAddress.Chunk("thread-s", "", Guid.NewGuid(), 0);
        var rented = Envelope.UnwrapRented(Envelope.WrapBlock(secret, 0, options, address), options, Location, address);
        var buffer = rented.Buffer;
        Assert.Equal(secret, rented.Memory.ToArray());

        rented.Dispose();

        // The pool hands this thread the buffer it was just given back.
        var again = System.Buffers.ArrayPool<byte>.Shared.Rent(secret.Length);
        try
        {
            Assert.Same(buffer, again);
            Assert.All(again, b => Assert.Equal(0, b));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(again);
        }
    }

    [Property(Arbitrary = [typeof(SerializationArbitraries)])]
    public void Reencrypting_a_block_keeps_its_codec_and_compressed_bytes(
        NonEmptyArray<byte> seed, ushort schemaVersion, AesKey oldKey, AesKey newKey, bool lz4)
    {
        var compression = lz4 ? BlockCompression.Lz4 : BlockCompression.Deflate;
        var payload = Enumerable.Repeat(seed.Get, 64).SelectMany(b => b).ToArray();
        var address = BlobAddress.Chunk("thread-r", "", Guid.NewGuid(), 0);
        var before = new CheckpointSerializer(new SerializerOptions { EncryptionKey = oldKey.Bytes, BlockCompression = compression });
        var blob = Envelope.WrapBlock(payload, schemaVersion, before.Options, address);
        var rotating = new CheckpointSerializer(new SerializerOptions { EncryptionKey = newKey.Bytes, DecryptionKeys = [oldKey.Bytes] });

        var resealed = rotating.Reencrypt(blob, address, Location);

        if (newKey.Bytes.AsSpan().SequenceEqual(oldKey.Bytes))
        {
            Assert.Null(resealed);
            return;
        }

        Assert.NotNull(resealed);
        Assert.Equal(blob[3], resealed[3]);
        Assert.Equal(blob.Length, resealed.Length);
        var afterRotation = new SerializerOptions { EncryptionKey = newKey.Bytes };
        var (read, version) = Envelope.Unwrap(resealed, afterRotation, Location, address);
        Assert.Equal(payload, read);
        Assert.Equal(schemaVersion, version);
    }

    [Fact]
    public void Lz4_blocks_hold_128_items_unless_told_otherwise()
    {
        Assert.Equal(BlockCompression.Lz4, new SerializerOptions().BlockCompression);
        Assert.Equal(SerializerOptions.DefaultLz4BlockItems, new SerializerOptions().BlockItems);
        Assert.Equal(SerializerOptions.DefaultBlockItems, new SerializerOptions { BlockCompression = BlockCompression.Deflate }.BlockItems);
        Assert.Equal(SerializerOptions.DefaultBlockItems, (new SerializerOptions() with { BlockCompression = BlockCompression.Deflate }).BlockItems);
        Assert.Equal(SerializerOptions.DefaultLz4BlockItems, new SerializerOptions { BlockCompression = BlockCompression.Lz4 }.BlockItems);
        Assert.Equal(SerializerOptions.DefaultLz4BlockItems, (new SerializerOptions { BlockCompression = BlockCompression.Deflate } with { BlockCompression = BlockCompression.Lz4 }).BlockItems);
        Assert.Equal(64, new SerializerOptions { BlockItems = 64, BlockCompression = BlockCompression.Lz4 }.BlockItems);
        Assert.Equal(0, (new SerializerOptions { BlockItems = 0 } with { BlockCompression = BlockCompression.Lz4 }).BlockItems);
    }

    [Fact]
    public void Text_blocks_are_deflated_smaller_than_lz4_would_make_them()
    {
        // Words drawn at random from a small vocabulary, like W1's messages: LZ4 finds few long repeats, Deflate codes the words.
        var words = new[] { "the", "of", "and", "state", "city", "between", "world", "which", "about", "these", "used", "time" };
        var random = new Random(42);
        var text = Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Range(0, 3000).Select(_ => words[random.Next(words.Length)])));
        var options = new SerializerOptions { BlockCompression = BlockCompression.Deflate };

        var block = Envelope.WrapBlock(text, 0, options, default);
        var chunk = Envelope.Wrap(text, 0, options);

        Assert.Equal((byte)EnvelopeCodecs.Deflate, block[3]);
        Assert.True(block.Length < chunk.Length, $"deflated {block.Length} B, LZ4 {chunk.Length} B");
        Assert.Equal(text, Envelope.Unwrap(block, options, Location).Payload);
    }

    [Property]
    public void A_damaged_deflated_block_is_refused_as_corrupt(NonEmptyArray<byte> seed, PositiveInt position, byte value)
    {
        var payload = Enumerable.Repeat(seed.Get, 64).SelectMany(b => b).ToArray();
        var options = new SerializerOptions();
        var blob = Envelope.WrapBlock(payload, 0, options, default);
        var at = Envelope.HeaderSize + (position.Get % (blob.Length - Envelope.HeaderSize));
        blob[at] ^= value == 0 ? (byte)0x40 : value;

        _ = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, options, Location));
    }

    [Property]
    public void A_deflated_body_that_decodes_to_another_length_is_refused_even_with_a_valid_checksum(NonEmptyArray<byte> seed, PositiveInt delta)
    {
        var payload = Enumerable.Repeat(seed.Get, 64).SelectMany(b => b).ToArray();
        var options = new SerializerOptions();
        var blob = Envelope.WrapBlock(payload, 0, options, default);
        if (blob[3] != (byte)EnvelopeCodecs.Deflate)
        {
            return;
        }

        // Rewrite the declared length and re-seal the checksum: only the inflated length can tell.
        var declared = Math.Max(0, payload.Length - 1 - (delta.Get % payload.Length));
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), declared);
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(blob.AsSpan(0, 10));
        crc.Append(blob.AsSpan(Envelope.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(10), crc.GetCurrentHashAsUInt32());

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, options, Location));
        Assert.Contains("Deflate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lz4_and_deflate_together_are_unknown_flags()
    {
        var blob = Envelope.WrapBlock(new byte[300], 0, new SerializerOptions(), default);
        blob[3] = (byte)(EnvelopeCodecs.Lz4 | EnvelopeCodecs.Deflate);
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(blob.AsSpan(0, 10));
        crc.Append(blob.AsSpan(Envelope.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(10), crc.GetCurrentHashAsUInt32());

        var error = Assert.Throws<CorruptCheckpointException>(() => Envelope.Unwrap(blob, new SerializerOptions(), Location));
        Assert.Contains("unknown codec flags", error.Message, StringComparison.Ordinal);
    }
}
