using MessagePack;
using MessagePack.Formatters;

namespace Checkpoint.Serialization;

/// <summary>Settings of a <see cref="CheckpointSerializer"/>.</summary>
public sealed record SerializerOptions
{
    /// <summary>The default of <see cref="MaxDepth"/>: MessagePack's own limit for untrusted data.</summary>
    public const int DefaultMaxDepth = 500;

    /// <summary>The default of <see cref="MaxValueBytes"/>: 64 MiB.</summary>
    public const int DefaultMaxValueBytes = 64 << 20;

    /// <summary>The default of <see cref="BlockItems"/> with Deflate blocks.</summary>
    public const int DefaultBlockItems = 64;

    /// <summary>
    /// The default of <see cref="BlockItems"/> with LZ4 blocks. LZ4 has no entropy coding and finds repeats only within
    /// the block, so it needs more text per block than Deflate: W1's messages compress to 0.42 of their payload in
    /// blocks of 64 and 0.38 in blocks of 128 (Deflate: 0.30 in blocks of 64); a read decodes as many bytes either way.
    /// </summary>
    public const int DefaultLz4BlockItems = 128;

    private readonly int? _blockItems;

    /// <summary>
    /// How many items of an appended list are packed into one block (default <see cref="DefaultLz4BlockItems"/> with the
    /// default LZ4 blocks, <see cref="DefaultBlockItems"/> with Deflate blocks; 0 turns blocks off). When an append makes a list's stored item
    /// count cross a multiple of this size, the same put stores the items from the previous multiple on as one block
    /// compressed together (<see cref="BlockCompression"/>), replacing the small per-step chunks of that range;
    /// <c>RepackAsync</c> packs existing chunks the same way. Readers see the same values either way, whatever size
    /// the blocks already stored have.
    /// </summary>
    public int BlockItems
    {
        get => _blockItems ?? (BlockCompression == BlockCompression.Lz4 ? DefaultLz4BlockItems : DefaultBlockItems);
        init => _blockItems = value;
    }

    /// <summary>
    /// How blocks are compressed when written: <see cref="Serialization.BlockCompression.Lz4"/> (the default, in blocks of
    /// <see cref="DefaultLz4BlockItems"/> unless <see cref="BlockItems"/> says otherwise) reads fastest;
    /// <see cref="Serialization.BlockCompression.Deflate"/> (blocks of <see cref="DefaultBlockItems"/>) stores ~10% less
    /// and reads a long list cold ~1.5 times slower. Every blob names its own codec, so changing this affects new blocks
    /// only and a store may hold both kinds.
    /// </summary>
    public BlockCompression BlockCompression { get; init; } = BlockCompression.Lz4;

    /// <summary>Payloads at least this long are LZ4-compressed when that makes them smaller.</summary>
    public int CompressionThreshold { get; init; } = 64;

    /// <summary>
    /// A 16, 24 or 32 byte AES key: when set, every blob is encrypted with AES-GCM, its header and
    /// address authenticated, and blobs that are not protected this way are refused. Set it on the
    /// saver's serializer (e.g. <c>SqliteCheckpointSaverOptions.Serializer</c>): the saver is the one
    /// place that decides how stored bytes look, and the graph uses the saver's serializer.
    /// </summary>
    public byte[]? EncryptionKey { get; init; }

    /// <summary>
    /// Keys that only decrypt (16, 24 or 32 bytes each): earlier encryption keys, kept while their
    /// blobs are re-encrypted under <see cref="EncryptionKey"/> (key rotation). A blob of envelope
    /// format 3 names its key by id (<see cref="Envelope.KeyIdOf"/>), so only the key with that id
    /// is tried; a format 2 blob (no id) is tried with <see cref="EncryptionKey"/> first, then with
    /// these keys in order. Empty by default.
    /// </summary>
    public IReadOnlyList<byte[]> DecryptionKeys { get; init; } = [];

    /// <summary>
    /// Migration mode for turning encryption on over existing data: with <see cref="EncryptionKey"/>
    /// set, also read plaintext blobs and blobs encrypted by builds before the header and address
    /// were authenticated. Off by default: anyone who can write to the store can forge such blobs.
    /// New blobs are always written encrypted; <c>CopyThreadAsync</c> re-encrypts a whole thread.
    /// </summary>
    public bool ReadLegacyBlobs { get; init; }

    /// <summary>
    /// How deeply objects and collections may nest in one value (default <see cref="DefaultMaxDepth"/>).
    /// Writing refuses a deeper value, and a value that contains itself (a cycle), with
    /// <see cref="CheckpointLimitExceededException"/>; reading refuses deeper stored data with
    /// <see cref="IncompatibleCheckpointException"/>. Readers need the same or a higher limit than
    /// the writer used. Very high values risk a stack overflow while reading.
    /// </summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// The largest serialized (uncompressed) size in bytes of one stored blob: a channel value, a
    /// chunk of list items, a pending write, a resume or interrupt value, or a checkpoint record
    /// (default <see cref="DefaultMaxValueBytes"/>). Writing refuses a larger value with
    /// <see cref="CheckpointLimitExceededException"/>; reading refuses larger stored data with
    /// <see cref="IncompatibleCheckpointException"/> before allocating for it.
    /// </summary>
    public int MaxValueBytes { get; init; } = DefaultMaxValueBytes;

    /// <summary>
    /// MessagePack formatters for your own types (a value object such as <c>Money</c> stored as one
    /// string, say), consulted before <see cref="Resolvers"/> and the built-in contractless resolver,
    /// for the type itself and wherever it appears inside the state (members, list items, dictionary
    /// values). The security settings stay: a Typeless formatter, or a formatter of <c>object</c>, is
    /// refused (stored bytes must never name a type to construct). A formatter's exception on writing
    /// or reading names the channel. Changing a formatter changes how values are stored: keep reading
    /// what the old one wrote, or migrate it (<see cref="StateMigrations"/>).
    /// </summary>
    public IReadOnlyList<IMessagePackFormatter> Formatters { get; init; } = [];

    /// <summary>
    /// MessagePack resolvers for your own types, consulted after <see cref="Formatters"/> and before the
    /// built-in contractless resolver (which serves every type they return no formatter for). A
    /// Typeless resolver (<c>TypelessContractlessStandardResolver</c>, <c>TypelessObjectResolver</c>, or
    /// any resolver whose formatter for <c>object</c> is a <c>TypelessFormatter</c>) is refused.
    /// </summary>
    public IReadOnlyList<IFormatterResolver> Resolvers { get; init; } = [];
}
