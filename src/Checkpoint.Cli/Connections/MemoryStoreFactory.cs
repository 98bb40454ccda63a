using Checkpoint.Memory;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Cli.Connections;

/// <summary>Opens the long-term memory store kept beside the checkpoints, when the database has its tables.</summary>
internal static class MemoryStoreFactory
{
    private const string SqliteTable = SqliteCheckpointSaverOptions.DefaultTablePrefix + "memories";

    /// <summary>
    /// The memory store of the SQLite file or PostgreSQL schema when it has memory tables (default table prefix); null
    /// otherwise, and for Redis (no memory store).
    /// </summary>
    public static async Task<MemoryStore?> OpenExistingAsync(StoreConnection connection, CheckpointSerializer serializer, CancellationToken cancellationToken)
    {
        if (connection.Kind == StoreKind.Postgres)
        {
            return await OpenPostgresAsync(connection, serializer, cancellationToken).ConfigureAwait(false);
        }

        if (connection.Kind != StoreKind.Sqlite || !File.Exists(connection.Target))
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = connection.Target, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using (var sqlite = new SqliteConnection(builder.ConnectionString))
        {
            await sqlite.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
            command.Parameters.AddWithValue("$name", SqliteTable);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return null;
            }
        }

        return new SqliteMemoryStore(new SqliteConnectionStringBuilder { DataSource = connection.Target }.ConnectionString, new MemoryStoreOptions { Serializer = serializer });
    }

    private static async Task<MemoryStore?> OpenPostgresAsync(StoreConnection connection, CheckpointSerializer serializer, CancellationToken cancellationToken)
    {
        var schema = connection.Scope ?? StoreConnection.DefaultPostgresSchema;
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(connection.Target))
        {
            await using var command = dataSource.CreateCommand("SELECT to_regclass(quote_ident($1) || '.memories') IS NOT NULL");
            command.Parameters.AddWithValue(schema);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        return new Checkpoint.Postgres.PostgresMemoryStore(
            connection.Target, new MemoryStoreOptions { Serializer = serializer }, new Checkpoint.Postgres.PostgresMemoryStoreOptions { Schema = schema });
    }
}
