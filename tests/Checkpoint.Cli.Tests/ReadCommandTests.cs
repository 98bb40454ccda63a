using System.Text.Json.Nodes;
using Checkpoint.Sqlite;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary>threads, history, show, diff, stats and prune on real SQLite files made by the QuickStart graph.</summary>
public sealed class ReadCommandTests : IClassFixture<TestDatabases>
{
    private readonly TestDatabases _databases;

    public ReadCommandTests(TestDatabases databases) => _databases = databases;

    [Fact]
    public async Task Threads_lists_each_thread_with_step_checkpoints_next_and_bytes()
    {
        var path = _databases.NewPath();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "alice");
            await TestDatabases.PausedThreadAsync(saver, "bob", metadata: new Dictionary<string, string> { ["team"] = "blue" });
        }

        var (code, output) = await Ckpt.RunAsync("threads", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        var alice = Line(output, "alice");
        Assert.Matches(@"│ alice\s+│\s+0 │\s+2 │ \d{4}-\d\d-\d\d \d\d:\d\d │ tool \(paused\)\s+│\s+\d+ B │", alice);
        Assert.Contains("2 threads", output, StringComparison.Ordinal);

        var (_, filtered) = await Ckpt.RunAsync("threads", "--db", "sqlite:" + path, "--metadata", "team=blue");
        Assert.Contains("bob", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_draws_the_fork_as_a_branch_under_its_checkpoint()
    {
        var path = await _databases.QuickStartAsync();
        var (code, output) = await Ckpt.RunAsync("history", "user-42", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("thread user-42 (7 checkpoints)", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        var fork = Array.FindIndex(lines, l => l.Contains(" fork", StringComparison.Ordinal));
        Assert.True(fork > 0, output);
        Assert.Contains("step 0 loop → tool", lines[fork], StringComparison.Ordinal);

        // The branch (the update made by the fork, then its run) hangs one level under the fork point.
        Assert.StartsWith("│   ├── ", lines[fork + 1], StringComparison.Ordinal);
        Assert.Contains("step 1 update", lines[fork + 1], StringComparison.Ordinal);
        Assert.StartsWith("│   └── ", lines[fork + 3], StringComparison.Ordinal);

        // The original line goes on at the top level.
        Assert.StartsWith("├── ", lines[fork + 4], StringComparison.Ordinal);
        Assert.Contains("step 1 loop", lines[fork + 4], StringComparison.Ordinal);
        Assert.StartsWith("└── ", lines[fork + 5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_limit_and_metadata_filter_the_checkpoints()
    {
        var path = _databases.NewPath();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "t", metadata: new Dictionary<string, string> { ["user"] = "ann" });
        }

        var (_, limited) = await Ckpt.RunAsync("history", "t", "--limit", "1", "--db", "sqlite:" + path);
        Assert.Contains("(1 checkpoints, filtered)", limited, StringComparison.Ordinal);
        Assert.Contains("step 0 loop", limited, StringComparison.Ordinal);
        Assert.DoesNotContain("step -1", limited, StringComparison.Ordinal);

        var (_, matching) = await Ckpt.RunAsync("history", "t", "-m", "user=ann", "--db", "sqlite:" + path);
        Assert.Contains("(2 checkpoints, filtered)", matching, StringComparison.Ordinal);
        Assert.Contains("user=ann", matching, StringComparison.Ordinal);
        var (_, none) = await Ckpt.RunAsync("history", "t", "-m", "user=bob", "--db", "sqlite:" + path);
        Assert.Contains("(0 checkpoints, filtered)", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_json_gives_state_channels_writes_interrupts_and_metadata()
    {
        var path = _databases.NewPath();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "t", "What is 3 x 5?", new Dictionary<string, string> { ["user"] = "ann" });
        }

        var (code, output) = await Ckpt.RunAsync("show", "t", "--json", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("t", json["threadId"]!.GetValue<string>());
        Assert.Equal(0, json["step"]!.GetValue<int>());
        Assert.Equal("ann", json["metadata"]!["user"]!.GetValue<string>());
        var messages = json["state"]!["Messages"]!.AsArray();
        Assert.Equal(["What is 3 x 5?", "Let me calculate 3*5."], messages.Select(m => m!["Content"]!.GetValue<string>()));
        Assert.Equal("3*5", json["state"]!["PendingExpression"]!.GetValue<string>());
        Assert.False(json["state"]!["Done"]!.GetValue<bool>());
        var channels = json["channels"]!.AsArray();
        Assert.Equal(2, channels.Single(c => c!["name"]!.GetValue<string>() == "Messages")!["items"]!.GetValue<int>());
        var interrupt = Assert.Single(json["interrupts"]!.AsArray());
        Assert.Equal("tool", interrupt!["node"]!.GetValue<string>());
        Assert.Equal("Run the calculator on 3*5?", interrupt["value"]!.GetValue<string>());
        Assert.Contains(json["pendingWrites"]!.AsArray(), w => w!["channel"]!.GetValue<string>() == SpecialChannels.Interrupt);

        // The same checkpoint by id, as tables.
        var (_, text) = await Ckpt.RunAsync("show", json["id"]!.GetValue<string>(), "--db", "sqlite:" + path);
        Assert.Contains("\"Content\": \"Let me calculate 3*5.\"", text, StringComparison.Ordinal);
        Assert.Matches(@"│ Messages\s+│ chunks\s+│ 2\s+│ 2\s+│", text);
        Assert.Contains("tool: \"Run the calculator on 3*5?\"", text, StringComparison.Ordinal);
        Assert.Contains("user=ann", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_names_an_unknown_checkpoint_or_thread()
    {
        var path = await _databases.QuickStartAsync();
        var id = Guid.CreateVersion7();
        var (code, output) = await Ckpt.RunAsync("show", id.ToString(), "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains($"Unknown checkpoint id {id}", output, StringComparison.Ordinal);

        (code, output) = await Ckpt.RunAsync("show", "nobody", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("'nobody'", output, StringComparison.Ordinal);

        (code, output) = await Ckpt.RunAsync("history", "nobody", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Unknown thread 'nobody'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_lists_added_items_and_changed_values_per_channel()
    {
        var path = await _databases.QuickStartAsync();
        var ids = await IdsAsync(path, "user-42");
        var paused = ids.Single(t => t.Checkpoint.Step == 0).Checkpoint.Id;
        var forkEnd = ids.Single(t => t.Checkpoint.Step == 3).Checkpoint.Id;

        var (code, output) = await Ckpt.RunAsync("diff", paused.ToString(), forkEnd.ToString(), "--json", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        var changes = JsonNode.Parse(output)!.AsArray().ToDictionary(c => c!["channel"]!.GetValue<string>());
        Assert.Equal(["Done", "Messages", "PendingExpression"], changes.Keys.Order());
        Assert.Equal(["Actually, let me calculate 6*8.", "48", "6*8 = 48"], changes["Messages"]!["added"]!.AsArray().Select(m => m!["Content"]!.GetValue<string>()));
        Assert.Empty(changes["Messages"]!["removed"]!.AsArray());
        Assert.Equal("6*7", changes["PendingExpression"]!["before"]!.GetValue<string>());
        Assert.Equal("6*8", changes["PendingExpression"]!["after"]!.GetValue<string>());

        var (_, text) = await Ckpt.RunAsync("diff", paused.ToString(), forkEnd.ToString(), "--db", "sqlite:" + path);
        Assert.Contains("+ {\"Role\":\"tool\",\"Content\":\"48\"}", text, StringComparison.Ordinal);
        Assert.Contains("\"6*7\" → \"6*8\"", text, StringComparison.Ordinal);

        // The two branch ends differ in their last three messages: removed from one, added in the other.
        var mainEnd = ids.Where(t => t.Checkpoint.Step == 2 && t.Checkpoint.NextNodes.Count == 0).Single().Checkpoint.Id;
        var (_, branches) = await Ckpt.RunAsync("diff", mainEnd.ToString(), forkEnd.ToString(), "--json", "--db", "sqlite:" + path);
        var messages = JsonNode.Parse(branches)!.AsArray().Single(c => c!["channel"]!.GetValue<string>() == "Messages")!;
        Assert.Equal(["42", "6*7 = 42"], messages["removed"]!.AsArray().Select(m => m!["Content"]!.GetValue<string>()));
        Assert.Equal(3, messages["added"]!.AsArray().Count);
    }

    [Fact]
    public async Task Stats_counts_bytes_per_thread_and_channel()
    {
        var path = await _databases.QuickStartAsync();
        var (code, output) = await Ckpt.RunAsync("stats", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"│ user-42\s+│\s+7 │\s+\d+ │", output);
        Assert.Matches(@"│ Messages\s+│\s+\d+ B │\s+\d+\.\d%", output);
        Assert.Contains("1 thread,", output, StringComparison.Ordinal);

        // Every chunk is counted once: the sum equals the stored chunk bytes.
        long stored = 0;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT sum(length(data)) FROM checkpoint_chunks";
            stored = (long)(await command.ExecuteScalarAsync())!;
        }

        Assert.Matches($@"│\s+{stored} B │", Line(output, "user-42"));
    }

    [Fact]
    public async Task Prune_keeps_the_newest_checkpoints()
    {
        var path = _databases.NewPath();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "t");
            var graph = QuickStart.ChatAgent.Build(saver);
            await graph.InvokeAsync(Command.Resume(true), RunConfig.ForThread("t"));
        }

        var before = (await IdsAsync(path, "t")).Count;
        var (code, output) = await Ckpt.RunAsync("prune", "t", "--keep", "2", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"deleted {before - 2} of {before} checkpoints, kept 2", output, StringComparison.Ordinal);
        Assert.Equal(2, (await IdsAsync(path, "t")).Count);
        Assert.Equal(ExitCodes.Usage, (await Ckpt.RunAsync("prune", "t", "--keep", "0", "--db", "sqlite:" + path)).Code);
        Assert.Equal(ExitCodes.Failure, (await Ckpt.RunAsync("prune", "nobody", "--keep", "1", "--db", "sqlite:" + path)).Code);
    }

    internal static async Task<List<CheckpointTuple>> IdsAsync(string path, string threadId)
    {
        await using var saver = new SqliteCheckpointSaver(path);
        var tuples = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }))
        {
            tuples.Add(tuple);
        }

        return tuples;
    }

    private static string Line(string output, string text) =>
        output.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line with '{text}' in:\n{output}");
}
