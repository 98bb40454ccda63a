using System.Globalization;
using System.Text;

namespace Checkpoint.Serialization;

/// <summary>
/// Where a stored blob lives: a checkpoint record, a chunk of a channel value, or a pending write.
/// With encryption on, the address is authenticated with the blob (AES-GCM associated data), so a
/// blob copied to another thread, namespace, checkpoint, chunk or write no longer decrypts. It is
/// not stored: writer and reader each name it from what they know. Building one costs nothing: its
/// bytes are made only when a blob is encrypted or decrypted.
/// </summary>
public readonly struct BlobAddress : IEquatable<BlobAddress>
{
    private readonly char _kind; // '\0' for None
    private readonly string? _threadId;
    private readonly string? _namespace;
    private readonly Guid _id;
    private readonly int _number;
    private readonly string? _taskId;
    private readonly string? _channel;

    private BlobAddress(char kind, string threadId, string checkpointNamespace, Guid id, int number = 0, string? taskId = null, string? channel = null)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(checkpointNamespace);
        (_kind, _threadId, _namespace, _id, _number, _taskId, _channel) = (kind, threadId, checkpointNamespace, id, number, taskId, channel);
    }

    /// <summary>No address: the blob is bound only to its own header (blobs that are not stored by a saver).</summary>
    public static BlobAddress None => default;

    /// <summary>The body of checkpoint <paramref name="checkpointId"/>.</summary>
    public static BlobAddress Record(string threadId, string checkpointNamespace, Guid checkpointId) =>
        new('r', threadId, checkpointNamespace, checkpointId);

    /// <summary>Chunk <paramref name="sequence"/> of blob <paramref name="blobId"/>.</summary>
    public static BlobAddress Chunk(string threadId, string checkpointNamespace, Guid blobId, int sequence) =>
        new('c', threadId, checkpointNamespace, blobId, sequence);

    /// <summary>The value of a pending write (key: checkpoint, task, index) to <paramref name="channel"/>.</summary>
    public static BlobAddress Write(string threadId, string checkpointNamespace, Guid checkpointId, string taskId, int index, string channel)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        ArgumentNullException.ThrowIfNull(channel);
        return new('w', threadId, checkpointNamespace, checkpointId, index, taskId, channel);
    }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => _kind == '\0';

    /// <inheritdoc />
    public bool Equals(BlobAddress other) =>
        _kind == other._kind && _id == other._id && _number == other._number
        && string.Equals(_threadId, other._threadId, StringComparison.Ordinal)
        && string.Equals(_namespace, other._namespace, StringComparison.Ordinal)
        && string.Equals(_taskId, other._taskId, StringComparison.Ordinal)
        && string.Equals(_channel, other._channel, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _threadId, _namespace, _id, _number, _taskId, _channel);

    /// <inheritdoc />
    public override string ToString() => IsNone ? "(none)" : Text();

    /// <summary>Equality.</summary>
    public static bool operator ==(BlobAddress left, BlobAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BlobAddress left, BlobAddress right) => !left.Equals(right);

    /// <summary>The associated data: the envelope header, then the address (UTF-8).</summary>
    internal byte[] AssociatedData(ReadOnlySpan<byte> header)
    {
        var text = IsNone ? "" : Text();
        var data = new byte[header.Length + Encoding.UTF8.GetByteCount(text)];
        header.CopyTo(data);
        Encoding.UTF8.GetBytes(text, data.AsSpan(header.Length));
        return data;
    }

    // Each part is length-prefixed, so no two different addresses give the same text.
    private string Text()
    {
        var builder = new StringBuilder().Append(_kind);
        Append(builder, _threadId!);
        Append(builder, _namespace!);
        Append(builder, _id.ToString("N"));
        switch (_kind)
        {
            case 'c':
                Append(builder, _number.ToString(CultureInfo.InvariantCulture));
                break;
            case 'w':
                Append(builder, _taskId!);
                Append(builder, _number.ToString(CultureInfo.InvariantCulture));
                Append(builder, _channel!);
                break;
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string part) =>
        builder.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
}
