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

    private readonly byte[]? _metadataKey;

    /// <summary>Creates a serializer.</summary>
    public CheckpointSerializer(SerializerOptions? options = null)
    {
        Options = options ?? new SerializerOptions();
        if (Options.EncryptionKey is { Length: not (16 or 24 or 32) } key)
        {
            throw new ArgumentException($"An AES key is 16, 24 or 32 bytes, not {key.Length}.", nameof(options));
        }

        _metadataKey = Options.EncryptionKey is { } encryptionKey
            ? System.Security.Cryptography.HKDF.DeriveKey(
                System.Security.Cryptography.HashAlgorithmName.SHA256, encryptionKey, 32, info: "checkpoint metadata index"u8.ToArray())
            : null;
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

    /// <summary>True when blobs are encrypted (and so bound to their <see cref="BlobAddress"/>).</summary>
    public bool Encrypts => Options.EncryptionKey is not null;

    /// <summary>Serializes a value into an enveloped blob stored at <paramref name="address"/> (bound to it when encrypted).</summary>
    public byte[] Serialize<T>(T value, ushort schemaVersion = 0, BlobAddress address = default) =>
        Envelope.Wrap(ToPayload(value), schemaVersion, Options, address);

    /// <summary>Serializes a value of a runtime type into an enveloped blob stored at <paramref name="address"/> (bound to it when encrypted).</summary>
    public byte[] Serialize(Type type, object? value, ushort schemaVersion = 0, BlobAddress address = default) =>
        Envelope.Wrap(ToPayload(type, value), schemaVersion, Options, address);

    /// <summary>Wraps MessagePack bytes in an envelope stored at <paramref name="address"/> (bound to it when encrypted).</summary>
    public byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion = 0, BlobAddress address = default) =>
        Envelope.Wrap(payload, schemaVersion, Options, address);

    /// <summary>Opens an envelope stored at <paramref name="address"/> (bound to it when encrypted); throws <see cref="CorruptCheckpointException"/> when it is bad.</summary>
    public (byte[] Payload, ushort SchemaVersion) Unwrap(ReadOnlySpan<byte> blob, BlobLocation location, BlobAddress address = default) =>
        Envelope.Unwrap(blob, Options, location, address);

    /// <summary>Reads an enveloped blob stored at <paramref name="address"/> (bound to it when encrypted) as a <typeparamref name="T"/>.</summary>
    public T Deserialize<T>(ReadOnlySpan<byte> blob, BlobLocation location = default, BlobAddress address = default) =>
        FromPayload<T>(Unwrap(blob, location, address).Payload, location);

    /// <summary>Reads an enveloped blob stored at <paramref name="address"/> (bound to it when encrypted) as a value of a runtime type.</summary>
    public object? Deserialize(Type type, ReadOnlySpan<byte> blob, BlobLocation location = default, BlobAddress address = default) =>
        FromPayload(type, Unwrap(blob, location, address).Payload, location);

    /// <summary>
    /// Re-wraps a blob for another address (copying a thread): opens it at <paramref name="from"/>
    /// and seals it at <paramref name="to"/>. Without encryption, blobs are not bound to an address
    /// and come back as they are.
    /// </summary>
    public byte[] Rebind(byte[] blob, BlobAddress from, BlobAddress to, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!Encrypts || from == to)
        {
            return blob;
        }

        var (payload, schemaVersion) = Unwrap(blob, location, from);
        return Wrap(payload, schemaVersion, to);
    }

    /// <summary>
    /// The form of a metadata value that a saver may keep in a queryable column: the value itself
    /// without encryption; with a key, a keyed hash of the name and value (HMAC-SHA256 under a key
    /// derived from the encryption key), so exact-match filters still work and the value is never
    /// stored in plaintext.
    /// </summary>
    public string MetadataIndexValue(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadataKey is null)
        {
            return value;
        }

        var text = System.Text.Encoding.UTF8.GetBytes($"{name.Length}:{name}{value}");
        return "hmac:" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(_metadataKey, text));
    }
}
