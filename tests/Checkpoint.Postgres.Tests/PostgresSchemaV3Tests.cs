using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>
/// Schema version 3 (smaller per-checkpoint cost): a version 2 schema with data migrates and reads the same, the
/// race guard still finds both kinds of children, and the partial indexes hold only the rows they are for.
/// </summary>
public sealed class PostgresSchemaV3Tests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly string _reference = PostgresTestServer.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await PostgresTestServer.DropSchemaAsync(_schema);
        await PostgresTestServer.DropSchemaAsync(_reference);
    }

    [Fact]
    public async Task A_version_2_schema_with_data_migrates_and_reads_the_same()
    {
        await PostgresTestServer.MigrateToAsync(_schema, 2);
        var blob = Guid.NewGuid();
        var root = Records.Checkpoint("t", null, 0, "", new BlobRun(blob, 1));
        var second = Records.Checkpoint("t", root.Id, 1, "", new BlobRun(blob, 2));
        var fork = Records.Checkpoint("t", root.Id, 1) with { Metadata = new Dictionary<string, string> { ["user"] = "ann" } };
        async Task PutAllAsync(PostgresCheckpointSaver saver)
        {
            await saver.PutAsync(root, [Records.Chunk(blob, 0)], PutMode.Continue);
            await saver.PutAsync(second, [Records.Chunk(blob, 1)], PutMode.Continue);
            await saver.PutAsync(fork, [], PutMode.Branch);
            await saver.PutWritesAsync("t", "", second.Id, [Records.Write("task", 0)]);
        }

        await using (var legacy = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, AutoMigrate = false }))
        {
            await PutAllAsync(legacy);
        }

        // This build reads only the latest schema: what the same puts read like there is the reference.
        List<string> before;
        await using (var reference = PostgresTestServer.NewSaver(_reference))
        {
            await PutAllAsync(reference);
            before = await SnapshotAsync(reference, blob);
        }

        await using var saver = PostgresTestServer.NewSaver(_schema);
        Assert.Equal(PostgresCheckpointSaver.SchemaVersion - 2, await saver.MigrateAsync());
        Assert.Equal(before, await SnapshotAsync(saver, blob));
        var indexes = await StringsAsync($"SELECT indexname FROM pg_indexes WHERE schemaname = '{_schema}' AND tablename = 'checkpoints'");
        Assert.DoesNotContain("checkpoints_parent_idx", indexes);
        Assert.Contains("checkpoints_branch_idx", indexes);

        // Rows written before the migration still guard their parents: a Continue child and a branch are both found.
        await Assert.ThrowsAsync<CheckpointConflictException>(
            () => saver.PutAsync(Records.Checkpoint("t", root.Id, 1), [], PutMode.Continue));
        var branched = Records.Checkpoint("t", null, 5);
        await saver.PutAsync(branched, [], PutMode.Branch);
        await saver.PutAsync(Records.Checkpoint("t", branched.Id, 6), [], PutMode.Branch);
        await Assert.ThrowsAsync<CheckpointConflictException>(
            () => saver.PutAsync(Records.Checkpoint("t", branched.Id, 6), [], PutMode.Continue));

        // And the thread goes on where it was.
        var third = Records.Checkpoint("t", second.Id, 2, "", new BlobRun(blob, 3));
        await saver.PutAsync(third, [Records.Chunk(blob, 2)], PutMode.Continue);
        Assert.Equal(3, (await saver.ReadChunksAsync("t", "", [new BlobRun(blob, 3)])).Count);
    }

    [Fact]
    public async Task Continue_puts_add_nothing_to_the_branch_index_and_empty_metadata_nothing_to_the_metadata_index()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        await saver.MigrateAsync();
        var emptyBranchIndex = await SizeAsync("checkpoints_branch_idx");
        var emptyMetadataIndex = await SizeAsync("checkpoints_metadata_idx");

        Guid? parent = null;
        for (var step = 0; step < 300; step++)
        {
            var record = Records.Checkpoint("t", parent, step) with { Metadata = new Dictionary<string, string>() };
            await saver.PutAsync(record, [], PutMode.Continue);
            parent = record.Id;
        }

        Assert.Equal(emptyBranchIndex, await SizeAsync("checkpoints_branch_idx"));
        Assert.Equal(emptyMetadataIndex, await SizeAsync("checkpoints_metadata_idx"));

        // A filter still finds a checkpoint with metadata, through the partial index when scans are off.
        var tagged = Records.Checkpoint("t", parent, 300) with { Metadata = new Dictionary<string, string> { ["user"] = "ann" } };
        await saver.PutAsync(tagged, [], PutMode.Continue);
        var found = new List<Guid>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { Metadata = new Dictionary<string, string> { ["user"] = "ann" } }))
        {
            found.Add(tuple.Checkpoint.Id);
        }

        Assert.Equal([tagged.Id], found);
        var plan = await StringsAsync($$"""
            SET LOCAL enable_seqscan = off;
            EXPLAIN SELECT id FROM "{{_schema}}".checkpoints c
            WHERE c.metadata <> '{}'::jsonb AND (c.metadata @> '{"user":"ann"}'::jsonb)
            """);
        Assert.Contains(plan, line => line.Contains("checkpoints_metadata_idx", StringComparison.Ordinal));
    }

    private static async Task<List<string>> SnapshotAsync(PostgresCheckpointSaver saver, Guid blob)
    {
        var lines = new List<string>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "t" }))
        {
            lines.Add(Describe(tuple));
        }

        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { Metadata = new Dictionary<string, string> { ["user"] = "ann" } }))
        {
            lines.Add("ann " + Describe(tuple));
        }

        lines.Add("latest " + Describe((await saver.GetAsync("t", "", null))!));
        lines.AddRange((await saver.ReadChunksAsync("t", "", [new BlobRun(blob, 2)]))
            .Select(chunk => $"chunk {chunk.Sequence} {Convert.ToHexString(chunk.Data)}"));
        return lines;
    }

    private static string Describe(CheckpointTuple tuple) =>
        $"{tuple.Checkpoint.Id} {tuple.Checkpoint.ParentId} {tuple.Checkpoint.Step} " +
        string.Join(",", tuple.Checkpoint.Metadata.Select(pair => $"{pair.Key}={pair.Value}")) + " " +
        string.Join(",", tuple.PendingWrites.Select(write => $"{write.TaskId}/{write.Index}/{Convert.ToHexString(write.Value)}"));

    private async Task<long> SizeAsync(string index)
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand($"SELECT pg_relation_size('\"{_schema}\".{index}')");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = await PostgresTestServer.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        do
        {
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetString(0));
            }
        }
        while (await reader.NextResultAsync());

        return values;
    }
}
