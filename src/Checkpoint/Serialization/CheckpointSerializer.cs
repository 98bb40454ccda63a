using MessagePack;

namespace Checkpoint.Serialization;

/// <summary>
/// Turns channel values into stored bytes and back: typed MessagePack (never "typeless": the
/// stored bytes never name a type to construct) inside an <see cref="Envelope"/>. Writing and
/// reading apply the same limits (<see cref="SerializerOptions.MaxDepth"/>,
/// <see cref="SerializerOptions.MaxValueBytes"/>), so nothing is stored that cannot be read back.
/// </summary>
public sealed class CheckpointSerializer
{
    // Reading uses MessagePack's own depth limit; writing counts depth itself (DepthLimitResolver).
    private readonly MessagePackSerializerOptions _readOptions;
    private readonly MessagePackSerializerOptions _writeOptions;
    private readonly byte[][] _metadataKeys; // the current key's first, then the decryption keys'

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> _ownFormatters = new();

    /// <summary>A serializer with the default options (LZ4 above 64 bytes, no encryption, default limits).</summary>
    public static CheckpointSerializer Default { get; } = new();

    /// <summary>Creates a serializer.</summary>
    public CheckpointSerializer(SerializerOptions? options = null)
    {
        Options = options ?? new SerializerOptions();
        if (Options.EncryptionKey is { Length: not (16 or 24 or 32) } key)
        {
            throw new ArgumentException($"An AES key is 16, 24 or 32 bytes, not {key.Length}.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(Options.DecryptionKeys, "options.DecryptionKeys");
        foreach (var decryptionKey in Options.DecryptionKeys)
        {
            if (decryptionKey is not { Length: 16 or 24 or 32 })
            {
                throw new ArgumentException("Each of SerializerOptions.DecryptionKeys is an AES key of 16, 24 or 32 bytes.", nameof(options));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.MaxDepth, "options.MaxDepth");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.MaxValueBytes, "options.MaxValueBytes");
        ArgumentOutOfRangeException.ThrowIfNegative(Options.BlockItems, "options.BlockItems");
        if (!Enum.IsDefined(Options.BlockCompression))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.BlockCompression, "SerializerOptions.BlockCompression is not a BlockCompression value.");
        }

        // Contractless (public properties by name, no attributes needed), typed, with the limits for untrusted data.
        var security = MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(Options.MaxDepth);
        // Reading also never pre-sizes a collection from its header count (GrowingCollectionResolver).
        // The user's formatters and resolvers come first, for their types wherever they appear.
        _readOptions = MessagePackSerializerOptions.Standard.WithResolver(UserResolvers.Compose(Options, GrowingCollectionResolver.Instance)).WithSecurity(security);
        _writeOptions = _readOptions.WithResolver(UserResolvers.Compose(Options, DepthLimitResolver.Instance));
        _metadataKeys = Options.EncryptionKey is { } encryptionKey
            ? [.. new[] { encryptionKey }.Concat(Options.DecryptionKeys).Select(key => System.Security.Cryptography.HKDF.DeriveKey(
                System.Security.Cryptography.HashAlgorithmName.SHA256, key, 32, info: "checkpoint metadata index"u8.ToArray()))]
            : [];
    }

    /// <summary>The options this serializer uses.</summary>
    public SerializerOptions Options { get; }

    /// <summary>The MessagePack bytes of a value, without envelope; refuses a value over the limits.</summary>
    /// <exception cref="CheckpointLimitExceededException">The value nests deeper than <see cref="SerializerOptions.MaxDepth"/> (or contains itself) or is larger than <see cref="SerializerOptions.MaxValueBytes"/>.</exception>
    public byte[] ToPayload<T>(T value, BlobLocation location = default)
    {
        byte[] payload;
        try
        {
            payload = MessagePackSerializer.Serialize(value, _writeOptions);
        }
        catch (MessagePackSerializationException ex) when (FindDepthLimit(ex) is { } limit)
        {
            throw TooDeep(location, limit, ex);
        }
        catch (MessagePackSerializationException ex)
        {
            throw CannotWrite(typeof(T), location, ex);
        }

        CheckWritable(payload, location);
        return payload;
    }

    /// <summary>The MessagePack bytes of a value of a runtime type, without envelope; refuses a value over the limits.</summary>
    /// <exception cref="CheckpointLimitExceededException">The value nests deeper than <see cref="SerializerOptions.MaxDepth"/> (or contains itself) or is larger than <see cref="SerializerOptions.MaxValueBytes"/>.</exception>
    public byte[] ToPayload(Type type, object? value, BlobLocation location = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        byte[] payload;
        try
        {
            payload = MessagePackSerializer.Serialize(type, value, _writeOptions);
        }
        catch (MessagePackSerializationException ex) when (FindDepthLimit(ex) is { } limit)
        {
            throw TooDeep(location, limit, ex);
        }
        catch (MessagePackSerializationException ex)
        {
            throw CannotWrite(type, location, ex);
        }

        CheckWritable(payload, location);
        return payload;
    }

    /// <summary>Reads MessagePack bytes written by <see cref="ToPayload{T}"/>.</summary>
    /// <exception cref="CorruptCheckpointException">The bytes are not one well-formed MessagePack value.</exception>
    /// <exception cref="IncompatibleCheckpointException">The bytes are one well-formed value of another shape than <typeparamref name="T"/>, or over this serializer's limits.</exception>
    public T FromPayload<T>(ReadOnlyMemory<byte> payload, BlobLocation location)
    {
        CheckReadable(payload.Span, location);
        try
        {
            var reader = new MessagePackReader(payload);
            var value = MessagePackSerializer.Deserialize<T>(ref reader, _readOptions);
            CheckAtEnd(ref reader, location);
            return value;
        }
        catch (MessagePackSerializationException ex)
        {
            throw PayloadErrors.WrongShape(typeof(T), payload, location, ex);
        }
    }

    /// <summary>Reads MessagePack bytes as a value of a runtime type; throws like <see cref="FromPayload{T}"/>.</summary>
    public object? FromPayload(Type type, ReadOnlyMemory<byte> payload, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(type);
        CheckReadable(payload.Span, location);
        try
        {
            var reader = new MessagePackReader(payload);
            var value = MessagePackSerializer.Deserialize(type, ref reader, _readOptions);
            CheckAtEnd(ref reader, location);
            return value;
        }
        catch (MessagePackSerializationException ex)
        {
            throw PayloadErrors.WrongShape(type, payload, location, ex);
        }
    }

    /// <summary>Serializes a value into an enveloped blob; refuses a value over the limits.</summary>
    /// <exception cref="CheckpointLimitExceededException">The value is over <see cref="SerializerOptions.MaxDepth"/> or <see cref="SerializerOptions.MaxValueBytes"/>.</exception>
    public byte[] Serialize<T>(T value, ushort schemaVersion = 0, BlobLocation location = default, BlobAddress address = default) =>
        Envelope.Wrap(ToPayload(value, location), schemaVersion, Options, address);

    /// <summary>Serializes a value of a runtime type into an enveloped blob; refuses a value over the limits.</summary>
    /// <exception cref="CheckpointLimitExceededException">The value is over <see cref="SerializerOptions.MaxDepth"/> or <see cref="SerializerOptions.MaxValueBytes"/>.</exception>
    public byte[] Serialize(Type type, object? value, ushort schemaVersion = 0, BlobLocation location = default, BlobAddress address = default) =>
        Envelope.Wrap(ToPayload(type, value, location), schemaVersion, Options, address);

    /// <summary>Wraps MessagePack bytes in an envelope; refuses a payload larger than <see cref="SerializerOptions.MaxValueBytes"/>.</summary>
    /// <exception cref="CheckpointLimitExceededException">The payload is larger than <see cref="SerializerOptions.MaxValueBytes"/>.</exception>
    public byte[] Wrap(ReadOnlySpan<byte> payload, ushort schemaVersion = 0, BlobLocation location = default, BlobAddress address = default)
    {
        CheckSize(payload.Length, location);
        return Envelope.Wrap(payload, schemaVersion, Options, address);
    }

    /// <summary>
    /// Wraps a checkpoint record's body: as <see cref="Wrap"/>, but LZ4 is tried only from
    /// <see cref="RecordCompressionThreshold"/> bytes (a smaller body is ids and small numbers: LZ4 never made
    /// one smaller in W1, and each try set up its 16 KB hash table on the put's path).
    /// </summary>
    internal byte[] WrapRecord(ReadOnlySpan<byte> payload, BlobLocation location, BlobAddress address)
    {
        CheckSize(payload.Length, location);
        return Envelope.Wrap(payload, 0, Options, address, Math.Max(Options.CompressionThreshold, RecordCompressionThreshold));
    }

    /// <summary>Record bodies shorter than this are stored without trying LZ4 (see <see cref="WrapRecord"/>).</summary>
    internal const int RecordCompressionThreshold = 256;

    /// <summary>
    /// Wraps the payload of a block (many items compressed together, written once and read often) with
    /// <see cref="SerializerOptions.BlockCompression"/>.
    /// </summary>
    internal byte[] WrapBlock(ReadOnlySpan<byte> payload, ushort schemaVersion, BlobLocation location, BlobAddress address)
    {
        CheckSize(payload.Length, location);
        return Envelope.WrapBlock(payload, schemaVersion, Options, address);
    }

    /// <summary>
    /// Opens an envelope stored at <paramref name="address"/> (it must match the address it was
    /// sealed with when encrypted); throws <see cref="CorruptCheckpointException"/> when it is bad.
    /// </summary>
    public (byte[] Payload, ushort SchemaVersion) Unwrap(ReadOnlySpan<byte> blob, BlobLocation location, BlobAddress address = default) =>
        Envelope.Unwrap(blob, Options, location, address);

    /// <summary><see cref="Unwrap"/> into a pooled buffer, for a payload decoded once and dropped (dispose the result).</summary>
    internal RentedPayload UnwrapRented(ReadOnlySpan<byte> blob, BlobLocation location, BlobAddress address) =>
        Envelope.UnwrapRented(blob, Options, location, address);

    /// <summary>Reads an enveloped blob as a <typeparamref name="T"/>.</summary>
    public T Deserialize<T>(ReadOnlySpan<byte> blob, BlobLocation location = default, BlobAddress address = default) =>
        FromPayload<T>(Unwrap(blob, location, address).Payload, location);

    /// <summary>Reads an enveloped blob as a value of a runtime type.</summary>
    public object? Deserialize(Type type, ReadOnlySpan<byte> blob, BlobLocation location = default, BlobAddress address = default) =>
        FromPayload(type, Unwrap(blob, location, address).Payload, location);

    /// <summary>
    /// A deep copy of a value through its MessagePack bytes, as a reload would read it (no envelope, no
    /// scan: the bytes were just written by this serializer, within its depth limit).
    /// </summary>
    internal object? Copy(Type type, object? value, BlobLocation location)
    {
        var payload = ToPayload(type, value, location);
        return MessagePackSerializer.Deserialize(type, payload, _readOptions);
    }

    /// <summary>
    /// True when one of <see cref="SerializerOptions.Formatters"/> or <see cref="SerializerOptions.Resolvers"/>
    /// serializes <paramref name="type"/> (<c>Compile</c> then leaves the type's members to it).
    /// </summary>
    internal bool HasOwnFormatter(Type type) =>
        _ownFormatters.GetOrAdd(type, t =>
            Options.Formatters.Any(f => f.GetType().GetInterfaces().Any(i => i == typeof(MessagePack.Formatters.IMessagePackFormatter<>).MakeGenericType(t)))
            || Options.Resolvers.Any(r => ResolvesType(r, t)));

    private static bool ResolvesType(IFormatterResolver resolver, Type type)
    {
        try
        {
            return typeof(IFormatterResolver).GetMethod(nameof(IFormatterResolver.GetFormatter))!.MakeGenericMethod(type).Invoke(resolver, null) is not null;
        }
        catch (System.Reflection.TargetInvocationException)
        {
            return false; // a resolver that throws for a type does not serve it
        }
    }

    /// <summary>True when blobs are encrypted (and so bound to their <see cref="BlobAddress"/>).</summary>
    public bool Encrypts => Options.EncryptionKey is not null;

    /// <summary>
    /// Re-wraps a blob for another address (copying a thread): opens it at <paramref name="from"/>
    /// and seals it at <paramref name="to"/>. Without encryption, blobs are not bound to an address
    /// and come back as they are, and so does an empty value.
    /// </summary>
    public byte[] Rebind(byte[] blob, BlobAddress from, BlobAddress to, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!Encrypts || from == to || blob.Length == 0)
        {
            return blob; // an empty value (a task's no-writes marker) holds nothing to seal
        }

        var (payload, schemaVersion) = Unwrap(blob, location, from);
        return Wrap(payload, schemaVersion, location, to);
    }

    /// <summary>
    /// The id of the key new blobs are encrypted with (<see cref="Envelope.KeyIdOf"/>), or null without encryption.
    /// </summary>
    public string? EncryptionKeyId => Options.EncryptionKey is { } key ? Envelope.KeyIdOf(key) : null;

    /// <summary>
    /// Re-seals a blob stored at <paramref name="address"/> under the current
    /// <see cref="SerializerOptions.EncryptionKey"/> (key rotation), or returns null when there is
    /// nothing to do: the blob already names the current key, is empty, or no key is set.
    /// Reading it needs its old key among <see cref="SerializerOptions.DecryptionKeys"/> (or, for
    /// plaintext and format 1 blobs, <see cref="SerializerOptions.ReadLegacyBlobs"/>).
    /// </summary>
    public byte[]? Reencrypt(byte[] blob, BlobAddress address, BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!Encrypts || blob.Length == 0 || Envelope.KeyIdOfBlob(blob) == EncryptionKeyId)
        {
            return null;
        }

        // The compressed body is sealed again as it is: a block keeps its codec and level, and nothing is recompressed.
        return Envelope.Reseal(blob, Options, location, address);
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
        return _metadataKeys.Length == 0 ? value : KeyedIndexValue(_metadataKeys[0], name, value);
    }

    /// <summary>
    /// Every form of a metadata value an index may hold while keys rotate: <see cref="MetadataIndexValue"/> first,
    /// then its keyed hash under each of <see cref="SerializerOptions.DecryptionKeys"/> (values indexed before the
    /// switch to the current key, until re-encryption re-indexes them). A filter matches any of them, so a lookup
    /// such as a subject's erasure still finds checkpoints indexed under an older key.
    /// </summary>
    public IReadOnlyList<string> MetadataIndexValues(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return _metadataKeys.Length == 0 ? [value] : [.. _metadataKeys.Select(key => KeyedIndexValue(key, name, value))];
    }

    private static string KeyedIndexValue(byte[] key, string name, string value)
    {
        var text = System.Text.Encoding.UTF8.GetBytes($"{name.Length}:{name}{value}");
        return "hmac:" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, text));
    }

    /// <summary>
    /// Checks that MessagePack bytes are one well-formed value within <see cref="SerializerOptions.MaxDepth"/>
    /// and <see cref="SerializerOptions.MaxValueBytes"/>, before anything is allocated for them.
    /// </summary>
    internal void CheckReadable(ReadOnlySpan<byte> payload, BlobLocation location)
    {
        if (payload.Length > Options.MaxValueBytes)
        {
            throw new IncompatibleCheckpointException(location,
                $"the value is {payload.Length} bytes, over SerializerOptions.MaxValueBytes ({Options.MaxValueBytes}); it was written with a higher limit.");
        }

        switch (PayloadScanner.Scan(payload, Options.MaxDepth, out var problem))
        {
            case PayloadScanner.Finding.Malformed:
                throw new CorruptCheckpointException(location, $"the bytes are not well-formed MessagePack (one complete value): {problem}");
            case PayloadScanner.Finding.TooDeep:
                throw new IncompatibleCheckpointException(location,
                    $"{problem} SerializerOptions.MaxDepth is {Options.MaxDepth}; it was written with a higher limit.");
        }
    }

    private static void CheckAtEnd(ref MessagePackReader reader, BlobLocation location)
    {
        if (!reader.End)
        {
            throw new CorruptCheckpointException(location, $"{reader.Sequence.Length - reader.Consumed} bytes follow the value.");
        }
    }

    // A formatter that throws (a user's, or MessagePack's for a type it cannot write): the channel is what the user needs to know.
    private static InvalidOperationException CannotWrite(Type type, BlobLocation location, MessagePackSerializationException error) =>
        new($"A value of {TypeNames.Of(type)} cannot be serialized ({location}): {error.InnerException?.Message ?? error.Message}", error);

    private static CheckpointLimitExceededException TooDeep(BlobLocation location, DepthLimitReachedException limit, Exception error) =>
        new(location, nameof(SerializerOptions.MaxDepth), $"its {limit.Message}", error);

    private static DepthLimitReachedException? FindDepthLimit(Exception error) => Find<DepthLimitReachedException>(error);

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }

    // The writer's side of CheckReadable, so that every value written can be read back with the same options.
    private void CheckWritable(byte[] payload, BlobLocation location)
    {
        CheckSize(payload.Length, location);
        if (payload.Length <= Options.MaxDepth)
        {
            return; // every container takes a byte: these bytes cannot nest deeper than the limit
        }

        switch (PayloadScanner.Scan(payload, Options.MaxDepth, out var problem))
        {
            case PayloadScanner.Finding.TooDeep:
                throw new CheckpointLimitExceededException(location, nameof(SerializerOptions.MaxDepth), $"its {problem}");
            case PayloadScanner.Finding.Malformed:
                throw new InvalidOperationException($"A MessagePack formatter wrote invalid bytes for channel '{location.Channel ?? "?"}': {problem}");
        }
    }

    private void CheckSize(int length, BlobLocation location)
    {
        if (length > Options.MaxValueBytes)
        {
            throw new CheckpointLimitExceededException(location, nameof(SerializerOptions.MaxValueBytes),
                $"it is {length} bytes serialized, over the limit of {Options.MaxValueBytes}.");
        }
    }
}
