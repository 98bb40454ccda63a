using MessagePack;
using MessagePack.Resolvers;

namespace Checkpoint.Serialization;

/// <summary>
/// Turns channel values into stored bytes and back: typed MessagePack (never "typeless": the
/// stored bytes never name a type to construct) inside an <see cref="Envelope"/>.
/// </summary>
public sealed class CheckpointSerializer
{
    /// <summary>A serializer with the default options (LZ4 above 64 bytes, no encryption).</summary>
    public static CheckpointSerializer Default { get; } = new();

    /// <summary>Creates a serializer.</summary>
    public CheckpointSerializer(SerializerOptions? options = null)
    {
        Options = options ?? new SerializerOptions();
        if (Options.EncryptionKey is { Length: not (16 or 24 or 32) } key)
        {
            throw new ArgumentException($"An AES key is 16, 24 or 32 bytes, not {key.Length}.", nameof(options));
        }
    }

    /// <summary>The options this serializer uses.</summary>
    public SerializerOptions Options { get; }

    /// <summary>
    /// MessagePack settings: contractless (public properties by name, no attributes needed), typed,
    /// with the limits MessagePack applies to untrusted data.
    /// </summary>
    public static MessagePackSerializerOptions MessagePackOptions { get; } =
        MessagePackSerializerOptions.Standard
            .WithResolver(ContractlessStandardResolver.Instance)
            .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The MessagePack bytes of a value, without envelope.</summary>
    public static byte[] ToPayload<T>(T value) => MessagePackSerializer.Serialize(value, MessagePackOptions);

    /// <summary>The MessagePack bytes of a value of a runtime type, without envelope.</summary>
    public static byte[] ToPayload(Type type, object? value) => MessagePackSerializer.Serialize(type, value, MessagePackOptions);

    /// <summary>
    /// Reads MessagePack bytes written by <see cref="ToPayload{T}"/>. Throws
    /// <see cref="CorruptCheckpointException"/> when the bytes are not well-formed MessagePack, and
    /// <see cref="IncompatibleCheckpointException"/> when they are but hold another shape than
    /// <typeparamref name="T"/> (or exceed a limit).
    /// </summary>
    public static T FromPayload<T>(ReadOnlyMemory<byte> payload, BlobLocation location)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(payload, MessagePackOptions);
        }
        catch (MessagePackSerializationException ex)
        {
            throw PayloadErrors.ReadFailure(typeof(T), payload, location, ex);
        }
    }

    /// <summary>Reads MessagePack bytes as a value of a runtime type; throws like <see cref="FromPayload{T}"/>.</summary>
    public static object? FromPayload(Type type, ReadOnlyMemory<byte> payload, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return MessagePackSerializer.Deserialize(type, payload, MessagePackOptions);
        }
        catch (MessagePackSerializationException ex)
        {
            throw PayloadErrors.ReadFailure(type, payload, location, ex);
        }
    }

    /// <summary>Serializes a value into an enveloped blob.</summary>
    public byte[] Serialize<T>(T value, ushort schemaVersion = 0) => Envelope.Wrap(ToPayload(value), schemaVersion, Options);

    /// <summary>Serializes a value of a runtime type into an enveloped blob.</summary>
    public byte[] Serialize(Type type, object? value, ushort schemaVersion = 0) =>
        Envelope.Wrap(ToPayload(type, value), schemaVersion, Options);

    /// <summary>Wraps MessagePack bytes in an envelope.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion = 0) => Envelope.Wrap(payload, schemaVersion, Options);

    /// <summary>Opens an envelope; throws <see cref="CorruptCheckpointException"/> when it is bad.</summary>
    public (byte[] Payload, ushort SchemaVersion) Unwrap(ReadOnlySpan<byte> blob, BlobLocation location) =>
        Envelope.Unwrap(blob, Options, location);

    /// <summary>Reads an enveloped blob as a <typeparamref name="T"/>.</summary>
    public T Deserialize<T>(ReadOnlySpan<byte> blob, BlobLocation location = default) =>
        FromPayload<T>(Unwrap(blob, location).Payload, location);

    /// <summary>Reads an enveloped blob as a value of a runtime type.</summary>
    public object? Deserialize(Type type, ReadOnlySpan<byte> blob, BlobLocation location = default) =>
        FromPayload(type, Unwrap(blob, location).Payload, location);
}
