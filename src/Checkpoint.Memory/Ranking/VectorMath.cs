using System.Numerics.Tensors;

namespace Checkpoint.Memory;

/// <summary>Vector similarity for backends that compare vectors themselves (SIMD through <see cref="TensorPrimitives"/>).</summary>
public static class VectorMath
{
    /// <summary>Cosine similarity, -1..1; 0 when either vector is all zeros.</summary>
    public static double Cosine(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Vectors of {left.Length} and {right.Length} dimensions cannot be compared.", nameof(right));
        }

        var norms = TensorPrimitives.Norm(left) * TensorPrimitives.Norm(right);
        return norms == 0 ? 0 : Math.Clamp(TensorPrimitives.Dot(left, right) / norms, -1, 1);
    }
}
