using System.Text.Json;
using System.Text.Json.Nodes;
using Checkpoint.Cli.Connections;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using QuickStart;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary>export then import, from SQLite into SQLite, PostgreSQL and Redis: every checkpoint comes back the same.</summary>
public sealed class ExportImportTests : IClassFixture<TestDatabases>
{
    private readonly TestDatabases _databases;

    public ExportImportTests(TestDatabases databases) => _databases = databases;

    [Fact]
    public async Task Sqlite_to_sqlite_round_trip_keeps_every_checkpoint()
    {
        var source = await SourceAsync();
        var target = "sqlite:" + _databases.NewPath("target");
        await RoundTripAsync(source, target);
    }

    [Fact]
    public async Task Sqlite_to_postgres_round_trip_keeps_every_checkpoint()
    {
        var source = await SourceAsync();
        var target = TestServers.NewPostgresConnection(out var schema);
        try
        {
            await RoundTripAsync(source, target);
        }
        finally
        {
            await TestServers.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Sqlite_to_redis_round_trip_keeps_every_checkpoint()
    {
        var source = await SourceAsync();
        var target = TestServers.NewRedisConnection();
        try
        {
            await RoundTripAsync(source, target);
        }
        finally
        {
            await using var saver = await SaverFactory.OpenAsync(StoreConnection.Parse(target), CheckpointSerializer.Default, create: true, default);
            foreach (var thread in Threads)
            {
                await saver.DeleteThreadAsync(thread);
            }
        }
    }

    [Fact]
    public async Task Import_refuses_a_thread_that_exists_and_a_file_that_is_not_an_export()
    {
        var source = await SourceAsync();
        var file = Path.Combine(_databases.Root, $"{Guid.NewGuid():N}.jsonl");
        Assert.Equal(ExitCodes.Ok, (await Ckpt.RunAsync("export", "user-42", "-o", file, "--db", source)).Code);

        var (code, output) = await Ckpt.RunAsync("import", file, "--db", source);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Thread 'user-42' already exists", output, StringComparison.Ordinal);

        var other = Path.Combine(_databases.Root, $"{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(other, "{\"hello\": 1}\n");
        (code, output) = await Ckpt.RunAsync("import", other, "--db", "sqlite:" + _databases.NewPath());
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("is not a ckpt export", output, StringComparison.Ordinal);
    }

    private static readonly string[] Threads = ["user-42", "paused"];

    /// <summary>The QuickStart tour (a fork, a resumed interrupt) plus a thread paused at an interrupt, with metadata.</summary>
    private async Task<string> SourceAsync()
    {
        var path = await _databases.QuickStartAsync();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "paused", "What is 12 x 12?", new Dictionary<string, string> { ["user"] = "ann", ["tier"] = "gold" });
        }

        return "sqlite:" + path;
    }

    private async Task RoundTripAsync(string source, string target)
    {
        foreach (var thread in Threads)
        {
            var file = Path.Combine(_databases.Root, $"{thread}-{Guid.NewGuid():N}.jsonl");
            var (code, output) = await Ckpt.RunAsync("export", thread, "-o", file, "--db", source);
            Assert.True(code == ExitCodes.Ok, output);
            (code, output) = await Ckpt.RunAsync("import", file, "--db", target);
            Assert.True(code == ExitCodes.Ok, output);
            Assert.Contains($"Imported thread {thread}", output, StringComparison.Ordinal);

            // The target exports the very same lines: ids, parents, steps, times, metadata, channel refs, chunk bytes, writes.
            var (_, again) = await Ckpt.RunAsync("export", thread, "--db", target);
            var expected = await File.ReadAllLinesAsync(file);
            Assert.Equal(expected, again.TrimEnd('\n').Split('\n'));
            Assert.Equal(JsonNode.Parse(expected[0])!["checkpoints"]!.GetValue<int>(), expected.Length - 1);
        }

        // Read back with the application's types, every checkpoint gives the same snapshot in both stores.
        await using var from = await SaverFactory.OpenAsync(StoreConnection.Parse(source), CheckpointSerializer.Default, create: false, default);
        await using var to = await SaverFactory.OpenAsync(StoreConnection.Parse(target), CheckpointSerializer.Default, create: false, default);
        var fromGraph = ChatAgent.Build(from);
        var toGraph = ChatAgent.Build(to);
        var compared = 0;
        foreach (var thread in Threads)
        {
            await foreach (var tuple in from.ListAsync(new CheckpointFilter { ThreadId = thread }))
            {
                var id = tuple.Checkpoint.Id;
                var expected = await fromGraph.GetStateAsync(id);
                var actual = await toGraph.GetStateAsync(id);
                Assert.NotNull(actual);
                Assert.Equal(Snapshot(expected!), Snapshot(actual));
                compared++;
            }
        }

        Assert.Equal(9, compared);
    }

    private static string Snapshot(StateSnapshot<ChatState> snapshot) => JsonSerializer.Serialize(new
    {
        snapshot.Values,
        snapshot.Next,
        snapshot.Step,
        snapshot.Source,
        snapshot.CreatedAt,
        Parent = snapshot.ParentConfig?.CheckpointId,
        Metadata = snapshot.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
        Tasks = snapshot.Tasks.Select(t => new { t.Id, t.Node, t.Error, t.Completed, Interrupts = t.Interrupts.Select(i => new { i.Id, Value = i.GetValue<string>() }) }),
        Interrupts = snapshot.Interrupts.Select(i => new { i.Id, i.Node, i.Kind, Value = i.GetValue<string>() }),
    });
}
