using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Raw SQL on a test database file, outside any saver.</summary>
internal static class SqlFile
{
    public static async Task ExecuteAsync(TempDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(TempDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The names of the tables and indexes in the file, sorted.</summary>
    public static Task<List<string>> ObjectsAsync(TempDatabase database) =>
        StringsAsync(database, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name;");

    /// <summary>The first column of every row a query returns, as text.</summary>
    public static async Task<List<string>> StringsAsync(TempDatabase database, string sql)
    {
        await using var connection = await OpenAsync(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var strings = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            strings.Add(reader.GetString(0));
        }

        return strings;
    }

    private static async Task<SqliteConnection> OpenAsync(TempDatabase database)
    {
        var connection = new SqliteConnection(database.RawConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
