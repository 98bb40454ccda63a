using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Benchmarks.Workloads.M3;

namespace Checkpoint.Benchmarks.Tests;

/// <summary>Runs M3-shared (issue 15) briefly through the real workload command: writer processes, a watcher here. No timing assertions.</summary>
public sealed class M3WorkloadTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-m3-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Writers_in_two_processes_lose_no_update_and_the_watcher_sees_every_one_once_in_order()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WorkloadsCommand.RunAsync(
            ["--workloads", "m3", "--savers", "sqlite,postgres", "--require-all", "--m3-seconds", "2", "--m3-processes", "2", "--m3-writers", "4",
             "--m3-items", "5", "--dir", _directory],
            stdout, stderr);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        var roots = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["sqlite", "postgres"], roots.Select(root => root.GetProperty("store").GetString()));
        foreach (var root in roots)
        {
            foreach (var field in M3Result.RequiredFields)
            {
                Assert.True(root.TryGetProperty(field, out _), $"missing {field} in {root}");
            }

            Assert.Equal("M3-shared", root.GetProperty("workload").GetString());
            var updates = root.GetProperty("updates").GetInt64();
            Assert.True(updates > 0, root.ToString());
            Assert.Equal(0, root.GetProperty("lost_updates").GetInt64());
            Assert.Equal(0, root.GetProperty("version_mismatches").GetInt32());
            Assert.Equal(updates, root.GetProperty("events_expected").GetInt64());
            Assert.Equal(updates, root.GetProperty("events_received").GetInt64());
            Assert.Equal(0, root.GetProperty("events_out_of_order").GetInt64());
            Assert.True(root.GetProperty("conflicts_retried").GetInt64() >= 0);
        }

        Assert.Contains("M3-shared sqlite: 2 processes, 4 writers, 5 items", stderr.ToString(), StringComparison.Ordinal);
    }
}
