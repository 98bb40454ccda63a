using Checkpoint.Serialization;

namespace Checkpoint.Postgres;

/// <summary>Settings of a <see cref="PostgresCheckpointSaver"/>.</summary>
public sealed record PostgresSaverOptions
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "checkpoint";

    /// <summary>
    /// The schema holding the saver's tables (created when missing). A plain identifier: a letter or
    /// underscore, then letters, digits or underscores, at most 63 characters.
    /// </summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>
    /// How every stored byte is made (compression, encryption): checkpoint records, chunks and
    /// pending writes. Graphs compiled on this saver use it too, so this is the one place to set
    /// <see cref="SerializerOptions.EncryptionKey"/>. Null for <see cref="CheckpointSerializer.Default"/>.
    /// </summary>
    public CheckpointSerializer? Serializer { get; init; }

    /// <summary>Apply pending migrations on first use (default). When false, call <see cref="PostgresCheckpointSaver.MigrateAsync"/>.</summary>
    public bool AutoMigrate { get; init; } = true;
}
