using Checkpoint.Memory;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite;

/// <summary>Key rotation: every item and history row sealed again under the current key, a page per transaction.</summary>
public sealed partial class SqliteMemoryStore
{
    // Rows per read and per write transaction: a writer waits for at most one page's swaps.
    private const int ReencryptPageSize = 256;

    /// <inheritdoc />
    /// <remarks>
    /// Each page is read in one transaction, re-sealed outside any, and swapped in one write transaction whose updates
    /// compare the bytes read. The in-process search indexes hold decoded items, which do not change, so the write
    /// counter is left alone and no instance reloads.
    /// </remarks>
    protected override async Task<MemoryReencryptSummary> ReencryptCoreAsync(ReencryptTally tally, CancellationToken cancellationToken)
    {
        for (long after = 0; ;)
        {
            var rows = await RunAsync(write: false, session => ReadPage(session, _sql.ItemsPage, after, history: false), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                break;
            }

            after = rows[^1].Id;
            var resealed = rows.Select(row => (row, Sealed: ResealItem(row.Body, row.Vector, row.Subject, ParseNamespace(row.Ns), row.Key))).ToList();
            var outcomes = await RunAsync(write: true, session => resealed.Select(pair => pair.Sealed is not { } s
                ? BlobReencryption.AlreadyCurrent
                : Swapped(session.Execute(_sql.ResealItem,
                    ("$body", s.Body), ("$vector", (object?)s.Vector ?? DBNull.Value), ("$subject", (object?)s.Subject ?? DBNull.Value),
                    ("$id", pair.row.Id), ("$old", pair.row.Body), ("$old_vector", (object?)pair.row.Vector ?? DBNull.Value)))).ToList(),
                cancellationToken).ConfigureAwait(false);
            outcomes.ForEach(outcome => tally.Add(history: false, outcome));
            tally.Report();
        }

        for (long after = 0; ;)
        {
            var rows = await RunAsync(write: false, session => ReadPage(session, _sql.HistoryPage, after, history: true), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                break;
            }

            after = rows[^1].Id;
            var resealed = rows.Select(row => (row, Sealed: ResealChange(row.Body, row.Subject, new MemoryKey(ParseNamespace(row.Ns), row.Key)))).ToList();
            var outcomes = await RunAsync(write: true, session => resealed.Select(pair => pair.Sealed is not { } s
                ? BlobReencryption.AlreadyCurrent
                : Swapped(session.Execute(_sql.ResealHistory,
                    ("$body", s.Body), ("$subject", (object?)s.Subject ?? DBNull.Value), ("$seq", pair.row.Id), ("$old", pair.row.Body)))).ToList(),
                cancellationToken).ConfigureAwait(false);
            outcomes.ForEach(outcome => tally.Add(history: true, outcome));
            tally.Report();
        }

        return tally.Summary();
    }

    private static BlobReencryption Swapped(int updated) => updated == 1 ? BlobReencryption.Rewritten : BlobReencryption.Changed;

    private static List<SealedRow> ReadPage(SqliteSession session, string sql, long after, bool history)
    {
        var rows = new List<SealedRow>();
        using var reader = session.Command(sql, ("$after", after), ("$limit", ReencryptPageSize)).ExecuteReader();
        while (reader.Read())
        {
            var vector = !history && !reader.IsDBNull(4) ? (byte[])reader.GetValue(4) : null;
            var subjectColumn = history ? 4 : 5;
            rows.Add(new SealedRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), vector,
                reader.IsDBNull(subjectColumn) ? null : reader.GetString(subjectColumn)));
        }

        return rows;
    }

    /// <summary>The sealed columns of one item row (<see cref="Id"/>: its id) or history row (its seq; no vector).</summary>
    private sealed record SealedRow(long Id, string Ns, string Key, byte[] Body, byte[]? Vector, string? Subject);
}
