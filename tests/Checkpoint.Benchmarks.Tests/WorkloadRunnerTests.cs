using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;

namespace Checkpoint.Benchmarks.Tests;

/// <summary>Runs the real workload command on small inputs. No timing assertions.</summary>
public sealed class WorkloadRunnerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-bench-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task W1_with_n_20_prints_one_complete_json_line(string saver)
    {
        var lines = await RunAsync("--savers", saver, "--n", "20", "--workloads", "w1", "--quick", "--dir", _directory);

        var line = Assert.Single(lines);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        foreach (var field in WorkloadResult.RequiredFields)
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing field '{field}' in {line}");
        }

        Assert.Equal("W1", root.GetProperty("workload").GetString());
        Assert.Equal(saver, root.GetProperty("saver").GetString());
        Assert.Equal(20, root.GetProperty("n").GetInt32());
        Assert.Equal(20 * 200, root.GetProperty("raw_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("threads_per_s").ValueKind);
        foreach (var field in new[] { "wall_ms", "wall_ms_no_saver", "overhead_us_per_step", "get_latest_us", "get_mid_us", "get_latest_cold_us", "get_mid_cold_us", "list_history_ms", "fork_ms" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(field).ValueKind);
        }

        Assert.True(root.GetProperty("checkpoints").GetInt32() >= 20);
        if (saver == "memory")
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty("stored_bytes").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("workload_to_raw").ValueKind);
        }
        else
        {
            var stored = root.GetProperty("stored_bytes").GetInt64();
            var empty = root.GetProperty("stored_bytes_empty").GetInt64();
            Assert.True(stored > empty, $"stored {stored} <= empty {empty}");
            Assert.Equal(Math.Round((double)(stored - empty) / (20 * 200), 3), root.GetProperty("workload_to_raw").GetDouble(), 3);
        }

        // Only PostgreSQL has dead tuples to leave out: its live size lies between the empty schema and the size as left.
        if (saver == "postgres")
        {
            var live = root.GetProperty("stored_bytes_live").GetInt64();
            Assert.InRange(live, root.GetProperty("stored_bytes_empty").GetInt64() + 1, root.GetProperty("stored_bytes").GetInt64());
            Assert.Equal(JsonValueKind.Number, root.GetProperty("workload_live_to_raw").ValueKind);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty("stored_bytes_live").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("workload_live_to_raw").ValueKind);
        }
    }

    [Fact]
    public async Task Fan_out_prints_one_line_per_saver_comparing_a_send_with_a_step()
    {
        var lines = await RunAsync("--savers", "sqlite", "--workloads", "fan-out", "--fan-out-sends", "120", "--quick", "--dir", _directory);

        var root = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        foreach (var field in FanOutResult.RequiredFields)
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing field '{field}' in {lines[0]}");
        }

        Assert.Equal("fan-out", root.GetProperty("workload").GetString());
        Assert.Equal(120, root.GetProperty("sends").GetInt32());
        Assert.True(root.GetProperty("per_task_us").GetDouble() > 0);
        Assert.True(root.GetProperty("stored_bytes_fan_out").GetInt64() > 0);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task W2_prints_a_line_with_the_compactor_and_one_without(string saver)
    {
        var lines = await RunAsync("--savers", saver, "--w2-n", "260", "--workloads", "w2", "--quick", "--dir", _directory);

        Assert.Equal(2, lines.Count);
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var (root, line) in roots.Zip(lines))
        {
            foreach (var field in W2Result.RequiredFields)
            {
                Assert.True(root.TryGetProperty(field, out _), $"missing field '{field}' in {line}");
            }

            Assert.Equal("W2", root.GetProperty("workload").GetString());
            Assert.Equal(saver, root.GetProperty("saver").GetString());
            Assert.Equal(260, root.GetProperty("n").GetInt32());
            Assert.Equal(JsonValueKind.Number, root.GetProperty("get_latest_us_at_500").ValueKind);
            Assert.Equal(JsonValueKind.Number, root.GetProperty("get_latest_us_at_end").ValueKind);
            Assert.Equal(saver == "sqlite" ? JsonValueKind.Number : JsonValueKind.Null, root.GetProperty("stored_bytes").ValueKind);
        }

        Assert.Equal([true, false], roots.Select(r => r.GetProperty("compactor").GetBoolean()));

        // 100 messages at step 100, then 41 + 59 at steps 160 and 220: three compactions; none without the compactor.
        Assert.Equal([3, 0], roots.Select(r => r.GetProperty("compactions").GetInt32()));

        // The compacted live state stays near 100 messages; the full one holds all 260.
        var compacted = roots[0].GetProperty("live_state_max_bytes").GetInt64();
        var full = roots[1].GetProperty("live_state_max_bytes").GetInt64();
        Assert.InRange(compacted, 100 * 200, 101 * 260);
        Assert.True(full > 260 * 200, $"{full} bytes for 260 messages");
    }

    [Fact]
    public void The_w2_summary_is_the_first_eight_words_of_each_message_capped_at_400_characters()
    {
        var one = LongChat.Summarize([new Message("assistant", MessageText.For(1))]);
        Assert.Equal(string.Join(' ', MessageText.For(1).Split(' ').Take(8)), one.Content);
        var many = LongChat.Summarize([.. Enumerable.Range(1, 60).Select(i => new Message("tool", MessageText.For(i)))]);
        Assert.Equal(400, many.Content.Length);
        Assert.Equal("summary", many.Role);
    }

    [Fact]
    public async Task W3_prints_a_sequential_and_a_parallel_line()
    {
        var lines = await RunAsync("--savers", "sqlite", "--workloads", "w3", "--threads", "12", "--quick", "--dir", _directory);

        Assert.Equal(2, lines.Count);
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["W3-seq", "W3-par8"], roots.Select(r => r.GetProperty("workload").GetString()));
        Assert.All(roots, r =>
        {
            Assert.Equal(10, r.GetProperty("n").GetInt32());
            Assert.Equal(12 * 10 * 200, r.GetProperty("raw_bytes").GetInt64());
            Assert.Equal(JsonValueKind.Number, r.GetProperty("threads_per_s").ValueKind);
            Assert.True(r.GetProperty("stored_bytes").GetInt64() > 0);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("get_mid_us").ValueKind);
        });
    }

    [Fact]
    public async Task A_saver_without_its_env_var_is_skipped_or_fails_with_require_all()
    {
        var variable = Environment.GetEnvironmentVariable("CHECKPOINT_REDIS");
        if (!string.IsNullOrEmpty(variable))
        {
            return; // a server is configured: nothing to skip
        }

        var stderr = new StringWriter();
        var lines = await RunAsync(stderr, "--savers", "redis", "--n", "20", "--workloads", "w1");
        Assert.Empty(lines);
        Assert.Contains("redis", stderr.ToString(), StringComparison.Ordinal);

        var stdout = new StringWriter();
        Assert.Equal(2, await WorkloadsCommand.RunAsync(["--savers", "redis", "--require-all"], stdout, new StringWriter()));
    }

    private static Task<List<string>> RunAsync(params string[] args) => RunAsync(new StringWriter(), args);

    private static async Task<List<string>> RunAsync(StringWriter stderr, params string[] args)
    {
        var stdout = new StringWriter();
        var code = await WorkloadsCommand.RunAsync(args, stdout, stderr);
        Assert.True(code == 0, $"exit code {code}: {stderr}");
        return [.. stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
