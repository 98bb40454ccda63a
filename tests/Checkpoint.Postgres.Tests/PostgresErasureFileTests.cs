using Checkpoint.Conformance;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>
/// Erasure at the byte level on PostgreSQL: after erasing a subject from the memory store and the saver, the
/// files of the schema's tables, TOAST tables and indexes (found with <c>pg_relation_filepath</c> in the
/// server's data directory, after a <c>CHECKPOINT</c> writes the buffers out) hold none of the subject's text.
/// Written with compression off and no key so that text is visible as plain bytes at all; the kept subject's
/// marker is found, which shows the scan can see. The WAL (pg_wal) is not scanned: it keeps history by design.
/// <c>VACUUM FULL</c> keeps the dead rows that a transaction still open elsewhere on the server might see (seen in
/// CI: a parallel test's snapshot left them all), so the erasure waits for older snapshots first; these tests still
/// run alone (after the parallel tests), so that the only snapshot in the way is the one they hold on purpose.
/// </summary>
[Collection(nameof(ServerRestartCollection))]
public sealed class PostgresErasureFileTests : IAsyncLifetime
{
    private static readonly CheckpointSerializer Plain = new(new SerializerOptions { CompressionThreshold = int.MaxValue });
    private readonly string _schema = PostgresTestServer.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestServer.DropSchemaAsync(_schema);

    [Fact]
    public async Task The_subjects_text_leaves_the_table_files_and_the_other_subject_stays()
    {
        await using var saver = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, Serializer = Plain });
        await using var store = new PostgresMemoryStore(PostgresTestServer.DataSource, new MemoryStoreOptions { Serializer = Plain }, new PostgresMemoryStoreOptions { Schema = _schema });
        var graph = new StateGraph<Lines>()
            .AddNode("echo", s => new Update<Lines>().Set(x => x.Items, ["echoed"]))
            .AddEdge(Graph.Start, "echo").AddEdge("echo", Graph.End)
            .Compile(saver);
        await graph.InvokeAsync(new Lines { Items = ["anamarkerthread says hello"] }, RunConfig.ForThread("ana-1") with { SubjectId = "ana" });
        await graph.InvokeAsync(new Lines { Items = ["bomarkerthread says hello"] }, RunConfig.ForThread("bo-1") with { SubjectId = "bo" });
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("u", "ana"), Key = "k", Content = "anamarkermemory lives in Lisbon", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("u", "ana"), Key = "k", Content = "anamarkermemory lives in Porto", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("u", "bo"), Key = "k", Content = "bomarkermemory lives in Oslo", SubjectId = "bo" });
        Assert.True(ByteScan.Count(await TableFilesAsync(), "anamarker") > 0);

        var receipt = await SubjectErasure.EraseAsync("ana", [store], [saver]);

        Assert.True(receipt.Scrubbed);
        Assert.Equal((1, 2, 1), (receipt.MemoryItems, receipt.HistoryRows, receipt.Threads));
        var files = await TableFilesAsync();
        Assert.Equal(0, ByteScan.Count(files, "anamarker"));
        Assert.True(ByteScan.Count(files, "bomarkerthread") > 0);
        Assert.True(ByteScan.Count(files, "bomarkermemory") > 0);
    }

    [Fact]
    public async Task An_erasure_waits_for_an_older_snapshot_to_end_and_reports_unscrubbed_bytes_when_it_does_not()
    {
        await using var blocker = await PostgresTestServer.DataSource.OpenConnectionAsync();
        async Task<Npgsql.NpgsqlTransaction> HoldSnapshotAsync()
        {
            // A snapshot that reads none of the schema's tables: it takes no lock VACUUM FULL would wait for, yet
            // VACUUM FULL keeps every row it may see.
            var transaction = await blocker.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            await using var read = new Npgsql.NpgsqlCommand("SELECT 1", blocker, transaction);
            await read.ExecuteScalarAsync();
            return transaction;
        }

        var (saver, store, graph) = Open(TimeSpan.FromMilliseconds(300));
        await using (saver)
        await using (store)
        {
            await graph.InvokeAsync(new Lines { Items = ["anamarkerthread says hello"] }, RunConfig.ForThread("ana-1") with { SubjectId = "ana" });
            await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("u", "ana"), Key = "k", Content = "anamarkermemory lives in Lisbon", SubjectId = "ana" });
            var held = await HoldSnapshotAsync();
            var early = await SubjectErasure.EraseAsync("ana", [store], [saver]);
            Assert.False(early.Scrubbed); // the wait ran out: nothing was rewritten, and the receipt says so
            Assert.Equal((1, 1), (early.MemoryItems, early.Threads));
            Assert.True(ByteScan.Count(await TableFilesAsync(), "anamarker") > 0);
            await held.CommitAsync();
        }

        (saver, store, graph) = Open(TimeSpan.FromSeconds(60));
        await using (saver)
        await using (store)
        {
            await graph.InvokeAsync(new Lines { Items = ["bomarkerthread says hello"] }, RunConfig.ForThread("bo-1") with { SubjectId = "bo" });
            await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("u", "bo"), Key = "k", Content = "bomarkermemory lives in Oslo", SubjectId = "bo" });
            var held = await HoldSnapshotAsync();
            var erasing = SubjectErasure.EraseAsync("bo", [store], [saver]);
            await Task.Delay(500); // the erasure is waiting for the snapshot meanwhile (not an assertion: a slow erase only waits less)
            await held.CommitAsync();

            var receipt = await erasing;

            Assert.True(receipt.Scrubbed);
            var files = await TableFilesAsync();
            Assert.Equal(0, ByteScan.Count(files, "bomarker"));
            Assert.Equal(0, ByteScan.Count(files, "anamarker")); // the first erasure's dead rows went with this rewrite
        }
    }

    [Fact]
    public void A_negative_scrub_wait_is_refused_naming_the_option()
    {
        var saver = Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, ScrubWaitTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("ScrubWaitTimeout", saver.Message, StringComparison.Ordinal);
        var store = Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresMemoryStore(
            PostgresTestServer.DataSource, new MemoryStoreOptions(), new PostgresMemoryStoreOptions { Schema = _schema, ScrubWaitTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("ScrubWaitTimeout", store.Message, StringComparison.Ordinal);
    }

    private (PostgresCheckpointSaver Saver, PostgresMemoryStore Store, CompiledGraph<Lines> Graph) Open(TimeSpan scrubWait)
    {
        var saver = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, Serializer = Plain, ScrubWaitTimeout = scrubWait });
        var store = new PostgresMemoryStore(
            PostgresTestServer.DataSource, new MemoryStoreOptions { Serializer = Plain }, new PostgresMemoryStoreOptions { Schema = _schema, ScrubWaitTimeout = scrubWait });
        var graph = new StateGraph<Lines>()
            .AddNode("echo", s => new Update<Lines>().Set(x => x.Items, ["echoed"]))
            .AddEdge(Graph.Start, "echo").AddEdge("echo", Graph.End)
            .Compile(saver);
        return (saver, store, graph);
    }

    // Every file of the schema's tables, their TOAST tables and all their indexes, after a CHECKPOINT.
    private async Task<List<string>> TableFilesAsync()
    {
        var data = Environment.GetEnvironmentVariable("CHECKPOINT_POSTGRES_DATA") is { Length: > 0 } dir
            ? dir
            : throw new InvalidOperationException("CHECKPOINT_POSTGRES_DATA is not set (scripts/servers.sh writes it).");
        await using (var checkpoint = PostgresTestServer.DataSource.CreateCommand("CHECKPOINT"))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }

        await using var command = PostgresTestServer.DataSource.CreateCommand("""
            WITH t AS (SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = @schema AND c.relkind = 'r'),
                 r AS (SELECT oid FROM t UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0)
            SELECT pg_relation_filepath(oid) FROM r
            UNION SELECT pg_relation_filepath(i.indexrelid) FROM pg_index i WHERE i.indrelid IN (SELECT oid FROM r)
            """);
        command.Parameters.AddWithValue("schema", _schema);
        var files = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var path = Path.Combine(data, reader.GetString(0));
            files.AddRange(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));
        }

        return files;
    }

    /// <summary>A state with an appended list (chunks) of text.</summary>
    public sealed class Lines
    {
        [Append]
        public IReadOnlyList<string> Items { get; init; } = [];
    }
}
