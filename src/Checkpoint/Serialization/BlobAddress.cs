using System.Text;

namespace Checkpoint.Serialization;

/// <summary>
/// Where a stored blob lives: a checkpoint record, a chunk of a channel value, or a pending write.
/// With encryption on, the address is authenticated with the blob (AES-GCM associated data), so a
/// blob copied to another thread, namespace, checkpoint, chunk or write no longer decrypts. It is
/// not stored: writer and reader each name it from what they know.
/// </summary>
public readonly struct BlobAddress : IEquatable<BlobAddress>
{
    private readonly string? _text;

    private BlobAddress(string text) => _text = text;

    /// <summary>No address: the blob is bound only to its own header (blobs that are not stored by a saver).</summary>
    public static BlobAddress None => default;

    /// <summary>The body of checkpoint <paramref name="checkpointId"/>.</summary>
    public static BlobAddress Record(string threadId, string checkpointNamespace, Guid checkpointId) =>
        new(Join('r', threadId, checkpointNamespace, checkpointId.ToString("N")));

    /// <summary>Chunk <paramref name="sequence"/> of blob <paramref name="blobId"/>.</summary>
    public static BlobAddress Chunk(string threadId, string checkpointNamespace, Guid blobId, int sequence) =>
        new(Join('c', threadId, checkpointNamespace, blobId.ToString("N"), sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The value of a pending write (key: checkpoint, task, index) to <paramref name="channel"/>.</summary>
    public static BlobAddress Write(string threadId, string checkpointNamespace, Guid checkpointId, string taskId, int index, string channel) =>
        new(Join('w', threadId, checkpointNamespace, checkpointId.ToString("N"), taskId, index.ToString(System.Globalization.CultureInfo.InvariantCulture), channel));

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => _text is null;

    /// <inheritdoc />
    public bool Equals(BlobAddress other) => string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text);

    /// <inheritdoc />
    public override string ToString() => _text ?? "(none)";

    /// <summary>Equality.</summary>
    public static bool operator ==(BlobAddress left, BlobAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BlobAddress left, BlobAddress right) => !left.Equals(right);

    /// <summary>The associated data: the envelope header, then the address (UTF-8).</summary>
    internal byte[] AssociatedData(ReadOnlySpan<byte> header)
    {
        var text = _text ?? "";
        var data = new byte[header.Length + Encoding.UTF8.GetByteCount(text)];
        header.CopyTo(data);
        Encoding.UTF8.GetBytes(text, data.AsSpan(header.Length));
        return data;
    }

    // Each part is length-prefixed, so no two different addresses join to the same text.
    private static string Join(char kind, params string[] parts)
    {
        var builder = new StringBuilder().Append(kind);
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part);
            builder.Append(part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(part);
        }

        return builder.ToString();
    }
}
