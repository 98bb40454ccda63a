namespace Checkpoint.Storage;

/// <summary>
/// Orders checkpoint ids as savers store them: by their big-endian bytes
/// (<c>Guid.ToByteArray(bigEndian: true)</c>), which for UUIDv7 is creation order.
/// </summary>
public sealed class CheckpointIdComparer : IComparer<Guid>
{
    /// <summary>The comparer (it has no state).</summary>
    public static CheckpointIdComparer Instance { get; } = new();

    private CheckpointIdComparer()
    {
    }

    /// <inheritdoc />
    public int Compare(Guid x, Guid y)
    {
        Span<byte> left = stackalloc byte[16];
        Span<byte> right = stackalloc byte[16];
        x.TryWriteBytes(left, bigEndian: true, out _);
        y.TryWriteBytes(right, bigEndian: true, out _);
        return left.SequenceCompareTo(right);
    }
}
