using Checkpoint.Memory;
using Checkpoint.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Checkpoint.Postgres;

/// <summary>Key rotation: every item and history row sealed again under the current key, a page per round trip.</summary>
public sealed partial class PostgresMemoryStore
{
    // Rows per read and per batch of swaps.
    private const int ReencryptPageSize = 256;

    /// <inheritdoc />
    /// <remarks>
    /// Each page is read, re-sealed here, and swapped in one batch of single-row updates, each comparing the bytes read
    /// (a row a writer changed meanwhile is left to it). With a key the keyword columns are empty and vectors are sealed,
    /// so nothing else depends on the key; the vector cache holds decoded vectors of unchanged versions and stays valid.
    /// </remarks>
    protected override async Task<MemoryReencryptSummary> ReencryptCoreAsync(ReencryptTally tally, CancellationToken cancellationToken)
    {
        foreach (var history in new[] { false, true })
        {
            for (long after = 0; ;)
            {
                var rows = await RunAsync("read memories to re-encrypt", (connection, token) => ReadPageAsync(connection, history, after, token), cancellationToken)
                    .ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    break;
                }

                after = rows[^1].Id;
                var swaps = rows.Select(row => Reseal(row, history)).ToList();
                var outcomes = await RunAsync("re-encrypt memories", (connection, token) => SwapAsync(connection, swaps, token), cancellationToken)
                    .ConfigureAwait(false);
                foreach (var outcome in outcomes)
                {
                    tally.Add(history, outcome);
                }

                tally.Report();
            }
        }

        return tally.Summary();
    }

    // The row's update when it is not current (null: leave it).
    private NpgsqlBatchCommand? Reseal(SealedRow row, bool history)
    {
        var ns = ParseNamespace(row.Ns);
        if (history)
        {
            if (ResealChange(row.Body, row.Subject, new MemoryKey(ns, row.Key)) is not { } change)
            {
                return null;
            }

            var command = new NpgsqlBatchCommand(_sql.ResealHistory);
            command.Parameters.Add(new NpgsqlParameter<byte[]>("body", change.Body));
            command.Parameters.Add(Text("subject", change.Subject));
            command.Parameters.Add(new NpgsqlParameter<long>("seq", row.Id));
            command.Parameters.Add(new NpgsqlParameter<byte[]>("old", row.Body));
            return command;
        }

        if (ResealItem(row.Body, row.Vector, row.Subject, ns, row.Key) is not { } item)
        {
            return null;
        }

        var update = new NpgsqlBatchCommand(_sql.ResealItem);
        update.Parameters.Add(new NpgsqlParameter<byte[]>("body", item.Body));
        update.Parameters.Add(Bytes("vector", item.Vector));
        update.Parameters.Add(Text("subject", item.Subject));
        update.Parameters.Add(new NpgsqlParameter<long>("id", row.Id));
        update.Parameters.Add(new NpgsqlParameter<byte[]>("old", row.Body));
        update.Parameters.Add(Bytes("old_vector", row.Vector));
        return update;
    }

    private static async Task<List<BlobReencryption>> SwapAsync(NpgsqlConnection connection, List<NpgsqlBatchCommand?> swaps, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var swap in swaps.OfType<NpgsqlBatchCommand>())
        {
            batch.BatchCommands.Add(swap);
        }

        if (batch.BatchCommands.Count > 0)
        {
            _ = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. swaps.Select(swap => swap is null ? BlobReencryption.AlreadyCurrent
            : swap.RecordsAffected == 1 ? BlobReencryption.Rewritten : BlobReencryption.Changed)];
    }

    private async Task<List<SealedRow>> ReadPageAsync(NpgsqlConnection connection, bool history, long after, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(history ? _sql.HistoryPage : _sql.ItemsPage, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", ReencryptPageSize));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<SealedRow>();
        var subject = history ? 4 : 5;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new SealedRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3),
                !history && !reader.IsDBNull(4) ? reader.GetFieldValue<byte[]>(4) : null,
                reader.IsDBNull(subject) ? null : reader.GetString(subject)));
        }

        return rows;
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bytes(string name, byte[]? value) => new(name, NpgsqlDbType.Bytea) { Value = (object?)value ?? DBNull.Value };

    /// <summary>The sealed columns of one item row (<see cref="Id"/>: its id) or history row (its seq; no vector).</summary>
    private sealed record SealedRow(long Id, string Ns, string Key, byte[] Body, byte[]? Vector, string? Subject);
}
