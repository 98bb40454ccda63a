namespace Checkpoint.Storage;

/// <summary>
/// Creates checkpoint ids: UUIDv7, strictly increasing within the process (two ids made in the
/// same millisecond still sort in creation order), so ordering by id orders by creation.
/// </summary>
public static class CheckpointIds
{
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    /// <summary>A new id, greater than every id this process made before.</summary>
    public static Guid NewId(TimeProvider? timeProvider = null)
    {
        var candidate = Guid.CreateVersion7((timeProvider ?? TimeProvider.System).GetUtcNow());
        lock (Gate)
        {
            var value = ToUInt128(candidate);
            if (value <= _last)
            {
                // Same millisecond: keep the timestamp, step the random bits past the last id.
                value = _last + 1;
                candidate = FromUInt128(value);
            }

            _last = value;
            return candidate;
        }
    }

    private static UInt128 ToUInt128(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static Guid FromUInt128(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
