using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Checkpoint.Memory;

/// <summary>
/// Symmetric int8 quantization (each vector scaled so its largest |component| is 127) and the integer
/// dot product over it: a quarter of float32's bytes to stream through memory, which is what a flat
/// scan of 100,000 vectors spends its time on. Approximate, so the index only uses it to shortlist
/// and re-scores the shortlist with the float vectors.
/// </summary>
internal static class Int8Vectors
{
    /// <summary>Writes the quantized <paramref name="vector"/> to <paramref name="destination"/>; returns the scale (component ≈ scale × q).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        var largest = 0f;
        foreach (var x in vector)
        {
            largest = Math.Max(largest, Math.Abs(x));
        }

        if (largest == 0 || !float.IsFinite(largest))
        {
            destination[..vector.Length].Clear();
            return 0;
        }

        var scale = largest / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127);
        }

        return scale;
    }

    /// <summary>Σ left[i] × right[i] in 32-bit integers (AVX2 when the CPU has it).</summary>
    public static int Dot(ReadOnlySpan<sbyte> left, ReadOnlySpan<sbyte> right)
    {
        var length = Math.Min(left.Length, right.Length);
        var sum = 0;
        var i = 0;
        if (Avx2.IsSupported && length >= 16)
        {
            ref var l = ref MemoryMarshal.GetReference(left);
            ref var r = ref MemoryMarshal.GetReference(right);
            // 16 bytes → 16 shorts; pairs multiplied and added into 8 ints (|q| ≤ 127, so no overflow).
            // Two accumulators over 32 bytes a turn keep two multiply chains in flight.
            var first = Vector256<int>.Zero;
            var second = Vector256<int>.Zero;
            for (; i + 32 <= length; i += 32)
            {
                first = Avx2.Add(first, MultiplyAdd(ref l, ref r, i));
                second = Avx2.Add(second, MultiplyAdd(ref l, ref r, i + 16));
            }

            for (; i + 16 <= length; i += 16)
            {
                first = Avx2.Add(first, MultiplyAdd(ref l, ref r, i));
            }

            sum = Vector256.Sum(Avx2.Add(first, second));
        }

        for (; i < length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MultiplyAdd(ref sbyte left, ref sbyte right, int offset) =>
        Avx2.MultiplyAddAdjacent(
            Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref left, offset))),
            Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref right, offset))));
}
