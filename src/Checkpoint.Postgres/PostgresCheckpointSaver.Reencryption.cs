using Checkpoint.Storage;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>Key rotation: re-sealing a stored body or write in place.</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the row locked, the body re-sealed and stored together with the metadata index, whose
    /// keyed hashes (<see cref="Serialization.CheckpointSerializer.MetadataIndexValue"/>) follow the encryption key.
    /// </remarks>
    protected override async Task<BlobReencryption> ReencryptRecordCoreAsync(
        CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await ExecuteAsync(
            async (connection, token) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                byte[]? stored;
                await using (var select = new NpgsqlCommand(_sql.LockRecordBody, connection, transaction))
                {
                    select.Parameters.Add(Uuid("id", record.Id));
                    select.Parameters.Add(Text("thread", record.ThreadId));
                    select.Parameters.Add(Text("ns", record.Namespace));
                    stored = await select.ExecuteScalarAsync(token).ConfigureAwait(false) as byte[];
                }

                if (stored is null)
                {
                    var grouped = await ReencryptGroupedAsync(connection, transaction, record, reseal, token).ConfigureAwait(false);
                    if (grouped == BlobReencryption.Rewritten)
                    {
                        await transaction.CommitAsync(token).ConfigureAwait(false);
                    }

                    return grouped;
                }

                if (reseal(stored) is not { } body)
                {
                    return BlobReencryption.AlreadyCurrent;
                }

                await using (var update = new NpgsqlCommand(_sql.ReplaceRecordBody, connection, transaction))
                {
                    update.Parameters.Add(Uuid("id", record.Id));
                    update.Parameters.Add(Bytes("body", body));
                    update.Parameters.Add(Jsonb("metadata", MetadataJson(record.Metadata)));
                    _ = await update.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                await transaction.CommitAsync(token).ConfigureAwait(false);
                return BlobReencryption.Rewritten;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<bool> ReplaceWriteCoreAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, PendingWrite stored, byte[] value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await ExecuteAsync(
            async (connection, token) =>
            {
                await using var update = new NpgsqlCommand(_sql.ReplaceWrite, connection);
                update.Parameters.Add(Text("thread", threadId));
                update.Parameters.Add(Text("ns", checkpointNamespace));
                update.Parameters.Add(Uuid("checkpoint", checkpointId));
                update.Parameters.Add(Text("task", stored.TaskId));
                update.Parameters.Add(Int("idx", stored.Index));
                update.Parameters.Add(Bytes("value", value));
                update.Parameters.Add(Bytes("stored", stored.Value));
                return await update.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-seals a grouped checkpoint's body in its group (locked, so the group is compared and swapped as one): the group
    /// is encoded again with the new body. A checkpoint in no group is <see cref="BlobReencryption.Changed"/>.
    /// </summary>
    private async Task<BlobReencryption> ReencryptGroupedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CheckpointRecord record, Func<byte[], byte[]?> reseal, CancellationToken token)
    {
        Guid lastId;
        PostgresRecordGroups.Member[] members;
        await using (var select = new NpgsqlCommand(_sql.Groups.LockMember, connection, transaction))
        {
            select.Parameters.Add(Uuid("id", record.Id));
            select.Parameters.Add(Text("thread", record.ThreadId));
            select.Parameters.Add(Text("ns", record.Namespace));
            await using var reader = await select.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false))
            {
                return BlobReencryption.Changed;
            }

            lastId = reader.GetGuid(0);
            members = PostgresRecordGroups.Decode(record.ThreadId, reader.GetFieldValue<Guid[]>(1), reader.GetFieldValue<byte[]>(2), record.Id);
        }

        var index = Array.FindIndex(members, member => member.Id == record.Id);
        if (reseal(members[index].Body) is not { } body)
        {
            return BlobReencryption.AlreadyCurrent;
        }

        members[index] = members[index] with { Body = body };
        await using (var update = new NpgsqlCommand(_sql.Groups.ReplaceData, connection, transaction))
        {
            update.Parameters.Add(Text("thread", record.ThreadId));
            update.Parameters.Add(Text("ns", record.Namespace));
            update.Parameters.Add(Uuid("last_id", lastId));
            update.Parameters.Add(Bytes("data", PostgresRecordGroups.Encode(members)));
            _ = await update.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        return BlobReencryption.Rewritten;
    }
}
