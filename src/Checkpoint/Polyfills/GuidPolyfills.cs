#if !NET9_0_OR_GREATER
using System.Security.Cryptography;

namespace System;

/// <summary>net8.0 stand-in for .NET 9's <c>Guid.CreateVersion7</c> (same RFC 9562 layout, so ids sort by time as on net10.0).</summary>
internal static class GuidPolyfills
{
    extension(Guid)
    {
        /// <summary>A version 7 GUID for the current UTC time.</summary>
        public static Guid CreateVersion7() => CreateVersion7(DateTimeOffset.UtcNow);

        /// <summary>A version 7 GUID: 48 bits of Unix milliseconds, big-endian, then random bits with the version and variant set.</summary>
        public static Guid CreateVersion7(DateTimeOffset timestamp)
        {
            var milliseconds = timestamp.ToUnixTimeMilliseconds();
            ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));
            Span<byte> bytes = stackalloc byte[16];
            RandomNumberGenerator.Fill(bytes);
            for (var i = 0; i < 6; i++)
            {
                bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
            }

            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes, bigEndian: true);
        }
    }
}
#endif
