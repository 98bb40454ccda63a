using System.IO.Compression;

namespace Checkpoint.Sqlite;

/// <summary>
/// The bytes of a record group: the stored bodies of many checkpoints of one scope, compressed together.
/// </summary>
/// <remarks>
/// Consecutive records of a thread differ in a few bytes (step, versions, the run's end, the created-at
/// offset), so each body of the same length as the one before it is stored as its byte-wise difference
/// from it (mostly zeros), and the whole is deflated. Measured on W1 (bodies of 120 B): 13.7 B per record,
/// against 30 B for the deflated bodies as they are. Layout: format byte (1), then raw Deflate of
/// [count, then per body its length and kind (0 as is, 1 difference), then the bodies' bytes], counts and
/// lengths as unsigned LEB128. The bodies keep their own envelopes (checksum, encryption), so a damaged
/// group is caught by the body's checksum at decode, as for any other record.
/// </remarks>
internal static class SqliteRecordGroupCodec
{
    /// <summary>The format byte of this layout.</summary>
    public const byte Format = 1;

    /// <summary>The largest decompressed group <see cref="Decode"/> accepts (a damaged header cannot make it allocate more).</summary>
    public const int MaxDecodedBytes = 1 << 24;

    /// <summary>Encodes the bodies, in order.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        using var plain = new MemoryStream();
        WriteVarint(plain, (uint)bodies.Count);
        for (var i = 0; i < bodies.Count; i++)
        {
            WriteVarint(plain, (uint)bodies[i].Length);
            plain.WriteByte(i > 0 && bodies[i].Length == bodies[i - 1].Length ? (byte)1 : (byte)0);
        }

        for (var i = 0; i < bodies.Count; i++)
        {
            var body = bodies[i];
            if (i > 0 && body.Length == bodies[i - 1].Length)
            {
                var previous = bodies[i - 1];
                for (var b = 0; b < body.Length; b++)
                {
                    plain.WriteByte(unchecked((byte)(body[b] - previous[b])));
                }
            }
            else
            {
                plain.Write(body);
            }
        }

        using var packed = new MemoryStream();
        packed.WriteByte(Format);
        using (var deflate = new DeflateStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(plain.GetBuffer(), 0, (int)plain.Length);
        }

        return packed.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote; <see cref="InvalidDataException"/> when the bytes are not a group.</summary>
    public static byte[][] Decode(ReadOnlySpan<byte> group)
    {
        if (group.Length < 1 || group[0] != Format)
        {
            throw new InvalidDataException(group.Length < 1 ? "the record group is empty." : $"record group format {group[0]} is not known.");
        }

        byte[] plain;
        using (var packed = new MemoryStream(group[1..].ToArray(), writable: false))
        using (var deflate = new DeflateStream(packed, CompressionMode.Decompress))
        using (var output = new MemoryStream())
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = deflate.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxDecodedBytes)
                {
                    throw new InvalidDataException($"the record group decompresses to more than {MaxDecodedBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }

            plain = output.ToArray();
        }

        var position = 0;
        var count = ReadVarint(plain, ref position);
        if (count > (uint)(plain.Length - position) / 2)
        {
            throw new InvalidDataException($"the record group claims {count} bodies in {plain.Length} bytes.");
        }

        var lengths = new int[count];
        var kinds = new byte[count];
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            var length = ReadVarint(plain, ref position);
            if (position >= plain.Length)
            {
                throw new InvalidDataException("the record group's header is cut short.");
            }

            kinds[i] = plain[position++];
            if (kinds[i] > 1 || (kinds[i] == 1 && (i == 0 || lengths[i - 1] != length)))
            {
                throw new InvalidDataException($"body {i} of the record group has kind {kinds[i]} that does not fit.");
            }

            lengths[i] = (int)Math.Min(length, int.MaxValue);
            total += length;
        }

        if (total != plain.Length - position)
        {
            throw new InvalidDataException($"the record group holds {plain.Length - position} body bytes, its header says {total}.");
        }

        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var body = plain.AsSpan(position, lengths[i]).ToArray();
            position += lengths[i];
            if (kinds[i] == 1)
            {
                var previous = bodies[i - 1];
                for (var b = 0; b < body.Length; b++)
                {
                    body[b] = unchecked((byte)(body[b] + previous[b]));
                }
            }

            bodies[i] = body;
        }

        return bodies;
    }

    private static void WriteVarint(MemoryStream stream, uint value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static uint ReadVarint(byte[] bytes, ref int position)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException("the record group's header is cut short.");
            }

            var b = bytes[position++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a length in the record group is too long.");
    }
}
