using Checkpoint.Postgres;
using Checkpoint.Redis;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;

namespace Checkpoint.Cli.Connections;

/// <summary>
/// Opens the saver a <see cref="StoreConnection"/> names. Reading never creates or migrates a database: a missing
/// SQLite file or PostgreSQL schema is reported by name instead. Only <c>import</c> opens with <c>create</c>.
/// </summary>
internal static class SaverFactory
{
    private const string SqliteTable = SqliteCheckpointSaverOptions.DefaultTablePrefix + "checkpoints";

    public static async Task<CheckpointSaver> OpenAsync(
        StoreConnection connection, CheckpointSerializer serializer, bool create, CancellationToken cancellationToken)
    {
        return connection.Kind switch
        {
            StoreKind.Sqlite => await OpenSqliteAsync(connection, serializer, create, cancellationToken).ConfigureAwait(false),
            StoreKind.Postgres => await OpenPostgresAsync(connection, serializer, create, cancellationToken).ConfigureAwait(false),
            _ => await OpenRedisAsync(connection, serializer).ConfigureAwait(false),
        };
    }

    private static async Task<CheckpointSaver> OpenSqliteAsync(
        StoreConnection connection, CheckpointSerializer serializer, bool create, CancellationToken cancellationToken)
    {
        var path = connection.Target;
        if (!create)
        {
            if (!File.Exists(path))
            {
                throw CliException.NotFound($"No database file at '{path}': nothing to read (ckpt never creates one except to import).");
            }

            if (!await HasSqliteTableAsync(path, cancellationToken).ConfigureAwait(false))
            {
                throw CliException.NotFound($"'{path}' is not a Checkpoint database: it has no table {SqliteTable}.");
            }
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = path };
        return new SqliteCheckpointSaver(builder.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer });
    }

    private static async Task<bool> HasSqliteTableAsync(string path, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            await using var sqlite = new SqliteConnection(builder.ConnectionString);
            await sqlite.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
            command.Parameters.AddWithValue("$name", SqliteTable);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (SqliteException ex)
        {
            throw CliException.NotFound($"'{path}' cannot be read as a SQLite database: {ex.Message}");
        }
    }

    private static async Task<CheckpointSaver> OpenPostgresAsync(
        StoreConnection connection, CheckpointSerializer serializer, bool create, CancellationToken cancellationToken)
    {
        var schema = connection.Scope ?? StoreConnection.DefaultPostgresSchema;
        try
        {
            if (!create)
            {
                await using var dataSource = NpgsqlDataSource.Create(connection.Target);
                await using var command = dataSource.CreateCommand("SELECT to_regclass(quote_ident($1) || '.checkpoints') IS NOT NULL");
                command.Parameters.AddWithValue(schema);
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    throw CliException.NotFound($"{connection.Description} has no checkpoint tables: nothing to read (check the schema).");
                }
            }

            return new PostgresCheckpointSaver(
                connection.Target, new PostgresCheckpointSaverOptions { Schema = schema, Serializer = serializer, AutoMigrate = create });
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
        {
            throw new CliException(ExitCodes.Failure, $"Cannot connect to {connection.Description}: {ex.Message}", ex);
        }
    }

    private static async Task<CheckpointSaver> OpenRedisAsync(StoreConnection connection, CheckpointSerializer serializer)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connection.Target);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 5000;
            return await RedisCheckpointSaver.ConnectAsync(options.ToString(includePassword: true),
                new RedisCheckpointSaverOptions { KeyPrefix = connection.Scope ?? StoreConnection.DefaultRedisPrefix, Serializer = serializer }).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new CliException(ExitCodes.Failure, $"Cannot connect to {connection.Description}: {ex.Message}", ex);
        }
    }
}
