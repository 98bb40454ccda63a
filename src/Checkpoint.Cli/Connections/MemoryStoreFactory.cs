using Checkpoint.Memory;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Cli.Connections;

/// <summary>Opens the long-term memory store kept beside the checkpoints, when the database has its tables.</summary>
internal static class MemoryStoreFactory
{
    private const string SqliteTable = SqliteCheckpointSaverOptions.DefaultTablePrefix + "memories";

    /// <summary>The SQLite memory store of the file when it has memory tables; null otherwise (and for PostgreSQL and Redis, not handled yet).</summary>
    public static async Task<MemoryStore?> OpenExistingAsync(StoreConnection connection, CheckpointSerializer serializer, CancellationToken cancellationToken)
    {
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
}
