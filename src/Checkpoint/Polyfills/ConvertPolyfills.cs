#if !NET9_0_OR_GREATER
namespace System;

/// <summary>net8.0 stand-in for .NET 9's <c>Convert.ToHexStringLower</c>.</summary>
internal static class ConvertPolyfills
{
    extension(Convert)
    {
        /// <summary>The bytes as lowercase hexadecimal.</summary>
        public static string ToHexStringLower(byte[] bytes) => ToHexStringLower(bytes.AsSpan());

        /// <summary>The bytes as lowercase hexadecimal.</summary>
        public static string ToHexStringLower(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    }
}
#endif
