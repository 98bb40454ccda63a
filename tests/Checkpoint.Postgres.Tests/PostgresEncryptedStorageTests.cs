using System.Text;
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
        new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresSaverOptions { Schema = _schema, Serializer = serializer });

    protected override async Task<IReadOnlyList<byte[]>> RawBytesAsync()
    {
        var tables = new List<string>();
        await using (var list = PostgresTestServer.DataSource.CreateCommand(
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{_schema}'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(tables);
        var values = new List<byte[]>();
        foreach (var table in tables)
        {
            await using var select = PostgresTestServer.DataSource.CreateCommand($"SELECT * FROM \"{_schema}\".\"{table}\"");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values.Add(reader.IsDBNull(i) ? [] : reader.GetValue(i) switch
                    {
                        byte[] bytes => bytes,
                        var other => Encoding.UTF8.GetBytes(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    });
                }
            }
        }

        return values;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);
}
