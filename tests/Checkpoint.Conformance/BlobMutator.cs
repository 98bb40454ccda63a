using System.Buffers.Binary;
using System.IO.Hashing;
using Checkpoint.Serialization;

namespace Checkpoint.Conformance;

/// <summary>
/// Damages stored bytes the way a fuzzer does, then fixes the envelope's CRC-32 so the damage gets
/// past the checksum and reaches the decoders behind it (LZ4, MessagePack, the record codec).
/// Shared by every decoder fuzz test.
/// </summary>
public static class BlobMutator
{
    private const int LengthOffset = 6;
    private const int ChecksumOffset = 10;

    // Lengths and counts that have broken decoders: sign bit, all ones, huge but positive, off by one.
    private static readonly uint[] InterestingLengths =
        [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x1_0000, 0x3FFF_FFFF, 0x4000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];

    // MessagePack codes that start a length or a count (bin, ext, str, array, map 8/16/32) and the invalid 0xC1.
    private static readonly byte[] InterestingCodes =
        [0x00, 0x7F, 0x80, 0x8F, 0x9F, 0xBF, 0xC0, 0xC1, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xFF];

    /// <summary>Recomputes the CRC-32 of an envelope in place (header bytes 0..9 and the body) and returns it.</summary>
    public static byte[] Reseal(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length < Envelope.HeaderSize)
        {
            return blob;
        }

        var crc = new Crc32();
        crc.Append(blob.AsSpan(0, ChecksumOffset));
        crc.Append(blob.AsSpan(Envelope.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(ChecksumOffset), crc.GetCurrentHashAsUInt32());
        return blob;
    }

    /// <summary>A copy of <paramref name="blob"/> whose header declares <paramref name="payloadLength"/>, resealed.</summary>
    public static byte[] WithDeclaredLength(byte[] blob, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var copy = blob.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(LengthOffset), payloadLength);
        return Reseal(copy);
    }

    /// <summary>A copy of an envelope with one to three random mutations anywhere (header included), resealed.</summary>
    public static byte[] MutateEnvelope(byte[] blob, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var mutated = Mutate(blob, random);
        if (random.Next(8) == 0 && mutated.Length >= Envelope.HeaderSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(mutated.AsSpan(LengthOffset), Pick(random, InterestingLengths));
        }

        return Reseal(mutated);
    }

    /// <summary>
    /// A copy of a MessagePack payload with one to three random mutations: bit flips, byte sets,
    /// truncation, insertion, and 8/16/32-bit length or count fields set to extreme values.
    /// </summary>
    public static byte[] Mutate(ReadOnlySpan<byte> data, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var bytes = new List<byte>(data.ToArray());
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(bytes, random);
        }

        return [.. bytes];
    }

    private static void MutateOnce(List<byte> bytes, Random random)
    {
        var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(7))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[at] = Pick(random, InterestingCodes);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveRange(at, bytes.Count - at); // truncation
                break;
            case 3:
                var inserted = new byte[1 + random.Next(8)];
                random.NextBytes(inserted);
                bytes.InsertRange(at, inserted);
                break;
            case 4 when bytes.Count > 0:
                bytes[at] = (byte)random.Next(256);
                break;
            default:
                WriteLengthField(bytes, at, random);
                break;
        }
    }

    // A 1, 2 or 4 byte big-endian field (MessagePack's length and count encodings) set to an extreme value.
    private static void WriteLengthField(List<byte> bytes, int at, Random random)
    {
        var width = Pick(random, [1, 2, 4]);
        var value = Pick(random, InterestingLengths);
        for (var i = 0; i < width; i++)
        {
            var b = (byte)(value >> (8 * (width - 1 - i)));
            if (at + i < bytes.Count)
            {
                bytes[at + i] = b;
            }
            else
            {
                bytes.Add(b);
            }
        }
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
