using System.Buffers;
using System.Buffers.Binary;

namespace Checkpoint.Serialization;

/// <summary>
/// One pass over MessagePack bytes before they are deserialized (and after they are serialized),
/// without allocating: the bytes hold exactly one value, every string, binary, extension, array and
/// map header fits in the bytes that remain after it (a count of n needs at least n bytes, a map
/// 2n), and containers nest at most <c>maxDepth</c> deep. MessagePack checks counts against the
/// remaining bytes only below 2^31 (a larger 32-bit count or length becomes a negative int that
/// reaches allocations and spans), does not notice trailing bytes, and checks depth only on read.
/// </summary>
internal static class PayloadScanner
{
    /// <summary>What a scan found.</summary>
    internal enum Finding
    {
        /// <summary>One well-formed value within the limits.</summary>
        Valid,

        /// <summary>Not one well-formed MessagePack value: corrupt.</summary>
        Malformed,

        /// <summary>Well-formed, but nested deeper than the limit.</summary>
        TooDeep,
    }

    private const int InlineStack = 64;

    /// <summary>Scans <paramref name="payload"/>; <paramref name="problem"/> says what is wrong when the result is not <see cref="Finding.Valid"/>.</summary>
    public static Finding Scan(ReadOnlySpan<byte> payload, int maxDepth, out string problem)
    {
        // Per open container, the values it still holds after the one being read; iterative, so no input can overflow the stack.
        Span<long> stack = stackalloc long[InlineStack];
        long[]? rented = null;
        try
        {
            return Walk(payload, maxDepth, stack, ref rented, out problem);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<long>.Shared.Return(rented);
            }
        }
    }

    private static Finding Walk(ReadOnlySpan<byte> payload, int maxDepth, Span<long> stack, ref long[]? rented, out string problem)
    {
        var position = 0;
        var depth = 0;
        long pending = 1;
        while (true)
        {
            while (pending == 0)
            {
                if (depth == 0)
                {
                    problem = position == payload.Length ? "" : $"{payload.Length - position} bytes follow the value.";
                    return position == payload.Length ? Finding.Valid : Finding.Malformed;
                }

                pending = stack[--depth];
            }

            if (position >= payload.Length)
            {
                problem = $"the bytes end inside the value (at byte {position}).";
                return Finding.Malformed;
            }

            pending--;
            var code = payload[position++];
            long count = -1; // entries of an array or map header
            long skip; // bytes of a scalar after its code (and length)
            switch (code)
            {
                case <= 0x7F or >= 0xE0 or 0xC0 or 0xC2 or 0xC3:
                    skip = 0;
                    break;
                case <= 0x8F:
                    count = 2 * (code & 0x0F);
                    skip = 0;
                    break;
                case <= 0x9F:
                    count = code & 0x0F;
                    skip = 0;
                    break;
                case <= 0xBF:
                    skip = code & 0x1F;
                    break;
                case 0xC4 or 0xD9:
                    skip = Length(payload, ref position, 1);
                    break;
                case 0xC5 or 0xDA:
                    skip = Length(payload, ref position, 2);
                    break;
                case 0xC6 or 0xDB:
                    skip = Length(payload, ref position, 4);
                    break;
                case 0xC7:
                    skip = Length(payload, ref position, 1) + 1; // ext: type byte, then data
                    break;
                case 0xC8:
                    skip = Length(payload, ref position, 2) + 1;
                    break;
                case 0xC9:
                    skip = Length(payload, ref position, 4) + 1;
                    break;
                case 0xCC or 0xD0:
                    skip = 1;
                    break;
                case 0xCD or 0xD1:
                    skip = 2;
                    break;
                case 0xCA or 0xCE or 0xD2:
                    skip = 4;
                    break;
                case 0xCB or 0xCF or 0xD3:
                    skip = 8;
                    break;
                case >= 0xD4 and <= 0xD8:
                    skip = 1 + (1 << (code - 0xD4)); // fixext 1, 2, 4, 8, 16 plus the type byte
                    break;
                case 0xDC:
                    count = Length(payload, ref position, 2);
                    skip = 0;
                    break;
                case 0xDD:
                    count = Length(payload, ref position, 4);
                    skip = 0;
                    break;
                case 0xDE:
                    count = 2 * Length(payload, ref position, 2);
                    skip = 0;
                    break;
                case 0xDF:
                    count = 2 * Length(payload, ref position, 4);
                    skip = 0;
                    break;
                default: // 0xC1 is never used
                    problem = $"invalid MessagePack code 0x{code:X2} at byte {position - 1}.";
                    return Finding.Malformed;
            }

            var remaining = payload.Length - position;
            if (skip < 0 || count < -1)
            {
                problem = $"a header at byte {position} is cut off by the end of the bytes.";
                return Finding.Malformed;
            }

            if (skip > remaining || count > remaining)
            {
                problem = count >= 0
                    ? $"a header before byte {position} declares {count} values but only {remaining} bytes remain."
                    : $"a header before byte {position} declares {skip} bytes but only {remaining} remain.";
                return Finding.Malformed;
            }

            position += (int)skip;
            if (count < 0)
            {
                continue;
            }

            if (depth + 1 > maxDepth)
            {
                problem = $"objects and collections nest more than {maxDepth} deep.";
                return Finding.TooDeep;
            }

            if (count == 0)
            {
                continue;
            }

            if (depth == stack.Length)
            {
                var bigger = Grow(stack, rented);
                rented = bigger;
                stack = bigger;
            }

            stack[depth++] = pending;
            pending = count;
        }
    }

    // A big-endian unsigned length of 1, 2 or 4 bytes; a large negative number when the header itself is cut off.
    private static long Length(ReadOnlySpan<byte> payload, ref int position, int width)
    {
        if (payload.Length - position < width)
        {
            position = payload.Length;
            return long.MinValue / 4;
        }

        var field = payload.Slice(position, width);
        position += width;
        return width switch
        {
            1 => field[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(field),
            _ => BinaryPrimitives.ReadUInt32BigEndian(field),
        };
    }

    private static long[] Grow(Span<long> stack, long[]? rented)
    {
        var bigger = ArrayPool<long>.Shared.Rent(stack.Length * 2);
        stack.CopyTo(bigger);
        if (rented is not null)
        {
            ArrayPool<long>.Shared.Return(rented);
        }

        return bigger;
    }
}
