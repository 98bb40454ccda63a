using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Tables are prefixed (checkpoint_ by default). A file from a build before the prefix is renamed in
/// place on first open, data intact; tables of the same names that are not ours are left alone.
/// </summary>
public sealed class LegacyTableNamesTests : IDisposable
{
    private static readonly string[] Prefixed =
    [
        "checkpoint_checkpoints", "checkpoint_chunks", "checkpoint_id_prefixes", "checkpoint_names",
        "checkpoint_record_groups", "checkpoint_record_groups_by_scope", "checkpoint_schema_version", "checkpoint_writes",
    ];

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_new_file_gets_prefixed_tables_only()
    {
        await using (var saver = _database.CreateSaver())
        {
            await saver.InitializeAsync();
        }

        Assert.Equal(Prefixed, await SqlFile.ObjectsAsync(_database));
    }

    [Fact]
    public async Task A_file_from_the_unprefixed_build_is_renamed_in_place_and_its_run_continues()
    {
        // A file as the previous build wrote it: its layout, filled by a real run (chunks, an interrupt pending).
        await SqlFile.ExecuteAsync(_database, LegacyLayout.Version2);
        var run = RunConfig.ForThread("legacy");
        await using (var old = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { TablePrefix = "" }))
        {
            await NoteGraphs.Confirm(old).InvokeAsync(new NoteState { Lines = ["question"] }, run);
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in LegacyLayout.Tables)
        {
            counts[table] = (long)(await SqlFile.ScalarAsync(_database, $"SELECT count(*) FROM {table};"))!;
        }

        Assert.Equal((2L, true, true), (counts["checkpoints"], counts["chunks"] > 0, counts["writes"] > 0));

        await using (var saver = _database.CreateSaver())
        {
            var graph = NoteGraphs.Confirm(saver);
            var snapshot = (await graph.GetStateAsync(run))!;
            Assert.Equal(["question", "draft 1", "draft 2"], snapshot.Values.Lines);
            Assert.Equal("Send 3 lines?", Assert.Single(snapshot.Interrupts).GetValue<string>());
            Assert.Equal(2, (await saver.ListAsync(new CheckpointFilter { ThreadId = "legacy" }).ToListAsync()).Count);

            Assert.Equal(Prefixed, await SqlFile.ObjectsAsync(_database));
            foreach (var table in LegacyLayout.Tables.Where(t => t != "schema_version"))
            {
                Assert.Equal(counts[table], await SqlFile.ScalarAsync(_database, $"SELECT count(*) FROM checkpoint_{table};"));
            }

            Assert.Equal((long)SqliteSchema.LatestVersion, await SqlFile.ScalarAsync(_database, "SELECT max(version) FROM checkpoint_schema_version;"));
            Assert.Equal("sent", (await graph.InvokeAsync(Command.Resume(true), run)).Answer);
        }
    }

    [Fact]
    public async Task A_version_1_file_from_the_unprefixed_build_is_renamed_then_migrated()
    {
        var record = TestRecords.Checkpoint("old-thread", null, 0);
        await SqlFile.ExecuteAsync(_database, LegacyLayout.Version1);
        await SqlFile.ExecuteAsync(_database, "INSERT INTO names (id, owner, name) VALUES (1, 0, 'old-thread'), (2, 1, '');");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO checkpoints (scope, id, parent, body) VALUES (2, $id, NULL, $body);";
            insert.Parameters.AddWithValue("$id", record.Id.ToByteArray(bigEndian: true));
            insert.Parameters.AddWithValue("$body", Checkpoint.Serialization.CheckpointRecordCodec.Encode(record));
            await insert.ExecuteNonQueryAsync();
        }

        await using (var saver = _database.CreateSaver())
        {
            Assert.Equal("old-thread", (await saver.GetByIdAsync(record.Id))?.Checkpoint.ThreadId);
        }

        Assert.Equal(Prefixed, await SqlFile.ObjectsAsync(_database));
        Assert.Equal((long)SqliteSchema.LatestVersion, await SqlFile.ScalarAsync(_database, "SELECT max(version) FROM checkpoint_schema_version;"));
    }

    [Fact]
    public async Task Savers_opening_an_unprefixed_file_together_rename_it_once()
    {
        await SqlFile.ExecuteAsync(_database, LegacyLayout.Version2);
        var record = TestRecords.Checkpoint("shared", null, 0);
        await using (var old = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { TablePrefix = "" }))
        {
            await old.PutAsync(record, [], PutMode.Continue);
        }

        var savers = Enumerable.Range(0, 4).Select(_ => _database.CreateSaver()).ToArray();
        try
        {
            await Task.WhenAll(savers.Select(saver => Task.Run(() => saver.InitializeAsync())));
            Assert.All(await Task.WhenAll(savers.Select(s => s.GetByIdAsync(record.Id))), found => Assert.NotNull(found));
        }
        finally
        {
            foreach (var saver in savers)
            {
                await saver.DisposeAsync();
            }
        }

        Assert.Equal(Prefixed, await SqlFile.ObjectsAsync(_database));
    }

    [Theory]
    [InlineData("CREATE TABLE checkpoints (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO checkpoints (title) VALUES ('app row');")]
    [InlineData("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2); " +
                "CREATE TABLE checkpoints (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO checkpoints (title) VALUES ('app row');")]
    public async Task An_app_table_named_checkpoints_is_left_alone(string appSchema)
    {
        await SqlFile.ExecuteAsync(_database, appSchema);
        var before = await SqlFile.ObjectsAsync(_database);

        await using (var saver = _database.CreateSaver())
        {
            await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);
            Assert.NotNull(await saver.GetAsync("t", "", null));
        }

        Assert.Equal("app row", await SqlFile.ScalarAsync(_database, "SELECT title FROM checkpoints;"));
        Assert.Equal(before.Concat(Prefixed).Order(StringComparer.Ordinal), await SqlFile.ObjectsAsync(_database));
        Assert.Equal((long)SqliteSchema.LatestVersion, await SqlFile.ScalarAsync(_database, "SELECT max(version) FROM checkpoint_schema_version;"));
    }

    [Fact]
    public async Task The_prefix_is_configurable_and_checked()
    {
        await using (var saver = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { TablePrefix = "agent_" }))
        {
            await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);
        }

        Assert.Contains("agent_checkpoints", await SqlFile.ObjectsAsync(_database));
        Assert.DoesNotContain("checkpoint_checkpoints", await SqlFile.ObjectsAsync(_database));
        var error = Assert.Throws<ArgumentException>(
            () => new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { TablePrefix = "bad-prefix; DROP" }));
        Assert.Contains("bad-prefix; DROP", error.Message, StringComparison.Ordinal);
    }
}
