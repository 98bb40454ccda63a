using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Checkpoint.Postgres;

/// <summary>Parameters and row readers shared by the saver's queries.</summary>
internal static class PostgresRows
{
    /// <summary>Reads a row of <see cref="PostgresSql.SelectTuple"/>.</summary>
    public static CheckpointTuple ReadTuple(NpgsqlDataReader reader, CheckpointSerializer? serializer)
    {
        var record = ReadRecord(reader, serializer);
        if (reader.IsDBNull(5))
        {
            return new CheckpointTuple(record, []);
        }

        var writes = ReadWrites(reader, 5);
        SortWrites(writes);
        return new CheckpointTuple(record, writes);
    }

    /// <summary>
    /// The pending writes aggregated in columns <paramref name="first"/> to <paramref name="first"/> + 4 (task ids, nodes,
    /// indexes, channels, values; not null), in the order of the arrays.
    /// </summary>
    public static PendingWrite[] ReadWrites(NpgsqlDataReader reader, int first)
    {
        var taskIds = reader.GetFieldValue<string[]>(first);
        var nodes = reader.GetFieldValue<string[]>(first + 1);
        var indexes = reader.GetFieldValue<int[]>(first + 2);
        var channels = reader.GetFieldValue<string[]>(first + 3);
        var values = reader.GetFieldValue<byte[][]>(first + 4);
        var writes = new PendingWrite[taskIds.Length];
        for (var i = 0; i < writes.Length; i++)
        {
            writes[i] = new PendingWrite(taskIds[i], nodes[i], indexes[i], channels[i], values[i]);
        }

        return writes;
    }

    /// <summary>Orders writes as the contract says: by task id (ordinal), then index.</summary>
    public static void SortWrites(PendingWrite[] writes) =>
        // The database sorts with the "C" collation (UTF-8 bytes); the contract is ordinal (UTF-16).
        Array.Sort(writes, static (x, y) =>
        {
            var byTask = string.CompareOrdinal(x.TaskId, y.TaskId);
            return byTask != 0 ? byTask : x.Index.CompareTo(y.Index);
        });

    /// <summary>Reads the first five columns (id, thread, namespace, parent, body) as a record.</summary>
    public static CheckpointRecord ReadRecord(NpgsqlDataReader reader, CheckpointSerializer? serializer)
    {
        var id = reader.GetGuid(0);
        var threadId = reader.GetString(1);
        var checkpointNamespace = reader.GetString(2);
        Guid? parentId = reader.IsDBNull(3) ? null : reader.GetGuid(3);
        var body = reader.GetFieldValue<byte[]>(4);
        return CheckpointRecordCodec.Decode(body, id, threadId, checkpointNamespace, parentId, serializer);
    }

    /// <summary>The first column of every row <paramref name="command"/> returns, as text.</summary>
    public static async Task<List<string>> ReadStringsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public static NpgsqlParameter Text(string name, string value) => new NpgsqlParameter<string>(name, value);

    public static NpgsqlParameter Int(string name, int value) => new NpgsqlParameter<int>(name, value);

    public static NpgsqlParameter Bool(string name, bool value) => new NpgsqlParameter<bool>(name, value);

    public static NpgsqlParameter Uuid(string name, Guid value) => new NpgsqlParameter<Guid>(name, value);

    public static NpgsqlParameter NullableUuid(string name, Guid? value) =>
        new(name, NpgsqlDbType.Uuid) { Value = value is { } id ? id : DBNull.Value };

    public static NpgsqlParameter NullableInt(string name, int? value) =>
        new(name, NpgsqlDbType.Integer) { Value = value is { } number ? number : DBNull.Value };

    public static NpgsqlParameter NullableUuidArray(string name, Guid?[] values) =>
        new NpgsqlParameter<Guid?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = values };

    public static NpgsqlParameter BoolArray(string name, bool[] values) =>
        new NpgsqlParameter<bool[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = values };

    public static NpgsqlParameter Bytes(string name, byte[] value) => new NpgsqlParameter<byte[]>(name, NpgsqlDbType.Bytea) { TypedValue = value };

    public static NpgsqlParameter Timestamp(string name, DateTimeOffset value) =>
        new NpgsqlParameter<DateTime>(name, NpgsqlDbType.TimestampTz) { TypedValue = value.UtcDateTime };

    public static NpgsqlParameter TimestampArray(string name, DateTime[] values) =>
        new NpgsqlParameter<DateTime[]>(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = values };

    public static NpgsqlParameter Jsonb(string name, string json) => new NpgsqlParameter<string>(name, NpgsqlDbType.Jsonb) { TypedValue = json };

    public static NpgsqlParameter UuidArray(string name, Guid[] values) =>
        new NpgsqlParameter<Guid[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = values };

    public static NpgsqlParameter IntArray(string name, int[] values) =>
        new NpgsqlParameter<int[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = values };

    public static NpgsqlParameter TextArray(string name, string[] values) =>
        new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values };

    public static NpgsqlParameter BytesArray(string name, byte[][] values) =>
        new NpgsqlParameter<byte[][]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = values };

    /// <summary>A batch command with its parameters.</summary>
    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
