using System.Text;

namespace Checkpoint.Postgres.Tests;

/// <summary>What an attacker with the database sees: every column of every row of a schema's tables, as bytes.</summary>
internal static class SchemaValues
{
    /// <summary>The schema's tables' values (text columns, jsonb and tsvector included, as their text; <c>real[]</c> as float32 bytes); throws when the schema has no table.</summary>
    public static async Task<List<byte[]>> ReadAsync(string schema)
    {
        var tables = new List<string>();
        await using (var list = PostgresTestServer.DataSource.CreateCommand(
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            throw new InvalidOperationException($"Schema '{schema}' has no tables: the scan would prove nothing.");
        }

        var values = new List<byte[]>();
        foreach (var table in tables)
        {
            await using var select = PostgresTestServer.DataSource.CreateCommand($"SELECT * FROM \"{schema}\".\"{table}\"");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values.Add(reader.IsDBNull(i) ? [] : reader.GetValue(i) switch
                    {
                        byte[] bytes => bytes,
                        float[] floats => System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.AsSpan()).ToArray(),
                        var other => Encoding.UTF8.GetBytes(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    });
                }
            }
        }

        return values;
    }
}
