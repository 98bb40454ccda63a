using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>PostgreSQL-specific behaviour: races, parallel threads, migrations.</summary>
public sealed class PostgresSaverTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();
    private PostgresCheckpointSaver? _saver;

    private PostgresCheckpointSaver Saver => _saver!;

    public async Task InitializeAsync()
    {
        _saver = PostgresTestServer.NewSaver(_schema);
        await _saver.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_saver is not null)
        {
            await _saver.DisposeAsync();
        }

        await PostgresTestServer.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task Concurrent_continue_puts_on_one_parent_have_exactly_one_winner()
    {
        const int Writers = 8;
        for (var round = 0; round < 10; round++)
        {
            var thread = $"race-{round}";
            var root = Records.Checkpoint(thread, null, -1);
            await Saver.PutAsync(root, [], PutMode.Continue);
            await Saver.PutWritesAsync(thread, "", root.Id, [Records.Write("task", 0)]);

            var contenders = Enumerable.Range(0, Writers).Select(_ =>
            {
                var blobId = Guid.NewGuid();
                return (Record: Records.Checkpoint(thread, root.Id, 0, "", new BlobRun(blobId, 1)), Chunk: Records.Chunk(blobId, 0));
            }).ToArray();
            using var start = new ManualResetEventSlim();
            var puts = contenders.Select(c => Task.Run(async () =>
            {
                start.Wait();
                try
                {
                    await Saver.PutAsync(c.Record, [c.Chunk], PutMode.Continue);
                    return (Exception?)null;
                }
                catch (CheckpointConflictException ex)
                {
                    return ex;
                }
            })).ToArray();
            start.Set();
            var outcomes = await Task.WhenAll(puts);

            Assert.Single(outcomes, outcome => outcome is null);
            Assert.Equal(Writers - 1, outcomes.Count(outcome => outcome is CheckpointConflictException));
            var winner = contenders[Array.IndexOf(outcomes, null)];
            var latest = await Saver.GetAsync(thread, "", null);
            Assert.Equal(winner.Record.Id, latest!.Checkpoint.Id);
            Assert.Empty((await Saver.GetAsync(thread, "", root.Id))!.PendingWrites);

            // A losing put changed nothing: its record and its chunk are not stored.
            foreach (var (record, chunk) in contenders)
            {
                var stored = await Saver.ReadChunksAsync(thread, "", [new BlobRun(chunk.BlobId, 1)]);
                Assert.Equal(record == winner.Record ? 1 : 0, stored.Count);
                Assert.Equal(record == winner.Record, await Saver.GetByIdAsync(record.Id) is not null);
            }
        }
    }

    [Fact]
    public async Task Concurrent_first_checkpoints_of_a_thread_have_exactly_one_winner()
    {
        const int Writers = 8;
        using var start = new ManualResetEventSlim();
        var puts = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Saver.PutAsync(Records.Checkpoint("first", null, -1), [], PutMode.Continue);
                return true;
            }
            catch (CheckpointConflictException)
            {
                return false;
            }
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(puts);

        Assert.Single(outcomes, won => won);
        Assert.Single(await Saver.ListAsync(new CheckpointFilter { ThreadId = "first" }).ToListAsync());
    }

    [Fact]
    public async Task Eight_threads_write_in_parallel()
    {
        const int Threads = 8;
        const int Steps = 20;
        var chains = await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            var thread = $"parallel-{t}";
            var blobId = Guid.NewGuid();
            var ids = new List<Guid>();
            Guid? parent = null;
            for (var step = 0; step < Steps; step++)
            {
                var record = Records.Checkpoint(thread, parent, step, "", new BlobRun(blobId, step + 1));
                await Saver.PutAsync(record, [Records.Chunk(blobId, step)], PutMode.Continue);
                await Saver.PutWritesAsync(thread, "", record.Id, [Records.Write($"task-{step}", 0), Records.Write($"task-{step}", 1)]);
                ids.Add(record.Id);
                parent = record.Id;
            }

            return (Thread: thread, Ids: ids, BlobId: blobId);
        })));

        foreach (var (thread, ids, blobId) in chains)
        {
            var listed = await Saver.ListAsync(new CheckpointFilter { ThreadId = thread }).ToListAsync();
            Assert.Equal(Enumerable.Reverse(ids), listed.Select(tuple => tuple.Checkpoint.Id));
            Assert.Equal(2, listed[0].PendingWrites.Count);
            Assert.All(listed.Skip(1), tuple => Assert.Empty(tuple.PendingWrites));
            Assert.Equal(listed.Skip(1).Select(tuple => (Guid?)tuple.Checkpoint.Id), listed.SkipLast(1).Select(tuple => tuple.Checkpoint.ParentId));
            var chunks = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blobId, Steps)]);
            Assert.Equal(Enumerable.Range(0, Steps), chunks.Select(chunk => chunk.Sequence));
        }

        Assert.Equal(Threads * Steps, (await Saver.ListAsync(new CheckpointFilter()).ToListAsync()).Count);
    }

    [Fact]
    public async Task Migrations_are_applied_once_even_by_concurrent_migrators()
    {
        var schema = PostgresTestServer.NewSchema();
        try
        {
            var savers = Enumerable.Range(0, 4).Select(_ => PostgresTestServer.NewSaver(schema)).ToArray();
            var applied = await Task.WhenAll(savers.Select(saver => Task.Run(() => saver.MigrateAsync())));
            Assert.Equal(PostgresCheckpointSaver.SchemaVersion, applied.Sum());
            Assert.Equal(0, await savers[0].MigrateAsync());

            await using (var command = PostgresTestServer.DataSource.CreateCommand(
                $"SELECT array_agg(version ORDER BY version) FROM \"{schema}\".schema_migrations"))
            {
                var versions = (int[])(await command.ExecuteScalarAsync())!;
                Assert.Equal(Enumerable.Range(1, PostgresCheckpointSaver.SchemaVersion), versions);
            }

            // A saver on a migrated schema (auto-migrating on first use) works as is.
            await using var fresh = PostgresTestServer.NewSaver(schema);
            var record = Records.Checkpoint("migrated", null, 0);
            await fresh.PutAsync(record, [], PutMode.Continue);
            Assert.Equal(record.Id, (await fresh.GetByIdAsync(record.Id))!.Checkpoint.Id);
            foreach (var saver in savers)
            {
                await saver.DisposeAsync();
            }
        }
        finally
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Metadata_filter_uses_jsonb_containment()
    {
        var first = Records.Checkpoint("meta", null, 0) with { Metadata = new Dictionary<string, string> { ["user"] = "a", ["kind"] = "x" } };
        var second = Records.Checkpoint("meta", first.Id, 1) with { Metadata = new Dictionary<string, string> { ["user"] = "b", ["kind"] = "x" } };
        await Saver.PutAsync(first, [], PutMode.Continue);
        await Saver.PutAsync(second, [], PutMode.Continue);

        var matches = await Saver.ListAsync(new CheckpointFilter { Metadata = new Dictionary<string, string> { ["kind"] = "x", ["user"] = "a" } }).ToListAsync();

        Assert.Equal([first.Id], matches.Select(tuple => tuple.Checkpoint.Id));
    }

    [Fact]
    public async Task A_batch_without_explicit_transaction_is_atomic()
    {
        // PutAsync relies on this: its one batch is one implicit transaction.
        var table = $"\"{_schema}\".atomic";
        await using (var create = PostgresTestServer.DataSource.CreateCommand($"CREATE TABLE {table} (x integer)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var batch = PostgresTestServer.DataSource.CreateBatch())
        {
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand($"INSERT INTO {table} VALUES (1)"));
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("SELECT 1 / 0"));
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => batch.ExecuteNonQueryAsync());
        }

        await using var count = PostgresTestServer.DataSource.CreateCommand($"SELECT count(*) FROM {table}");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public void A_schema_name_that_is_not_a_plain_identifier_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PostgresTestServer.NewSaver("bad\"; DROP TABLE x; --"));
    }
}
