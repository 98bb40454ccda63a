using Checkpoint.Conformance.Encryption;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>The encryption guarantees, scanning every column of every row of the saver's schema (the jsonb metadata column included).</summary>
public sealed class PostgresEncryptedStorageTests : EncryptedStorageTests, IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();

    protected override CheckpointSaver Open(CheckpointSerializer serializer) =>
        new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, Serializer = serializer });

    protected override async Task<IReadOnlyList<byte[]>> RawBytesAsync() => await SchemaValues.ReadAsync(_schema);

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);
}
