using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Benchmarks.Workloads.M1;

namespace Checkpoint.Benchmarks.Tests;

/// <summary>Runs M1 through the real workload command at a tiny scale. No timing assertions.</summary>
public sealed class M1WorkloadTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-m1-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task M1_prints_one_sane_line_per_store_and_runs_postgres_when_its_server_is_set()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WorkloadsCommand.RunAsync(
            ["--workloads", "m1", "--savers", "memory,sqlite,postgres", "--m1-items", "200", "--m1-namespaces", "10",
             "--m1-queries", "10", "--dir", _directory], stdout, stderr);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        Assert.Contains("postgres", stderr.ToString(), StringComparison.Ordinal);
        var postgres = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(postgres ? ["memory", "sqlite", "postgres"] : ["memory", "sqlite"], roots.Select(r => r.GetProperty("store").GetString()));
        foreach (var root in roots)
        {
            foreach (var field in M1Result.RequiredFields)
            {
                Assert.True(root.TryGetProperty(field, out _), $"missing field '{field}' in {root}");
            }

            Assert.Equal("M1", root.GetProperty("workload").GetString());
            Assert.Equal(200, root.GetProperty("items").GetInt32());
            Assert.Equal(10, root.GetProperty("namespaces").GetInt32());
            Assert.True(root.GetProperty("insert_items_per_s").GetDouble() > 0);
            foreach (var field in new[] { "vector_p50_ms", "keyword_p50_ms", "hybrid_p50_ms", "hybrid_p99_ms", "hybrid_in_namespace_p50_ms" })
            {
                Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} in {root}");
            }

            Assert.True(root.GetProperty("hybrid_p99_ms").GetDouble() >= root.GetProperty("hybrid_p50_ms").GetDouble());
            foreach (var field in new[] { "recall5_keyword", "recall5_vector", "recall5_hybrid", "embed_items_per_s" })
            {
                Assert.Equal(JsonValueKind.Null, root.GetProperty(field).ValueKind);
            }

            // Each query's vector is its item's plus small noise: vector search must find that item.
            Assert.Equal(1.0, root.GetProperty("vector_self_hit10").GetDouble());
        }

        Assert.Equal(JsonValueKind.Null, roots[0].GetProperty("bytes_per_item").ValueKind);
        Assert.All(roots.Skip(1), root => Assert.True(root.GetProperty("bytes_per_item").GetDouble() > 200, $"a database stores at least the 200-char text per item: {root}"));
        Assert.Empty(Directory.Exists(_directory) ? Directory.GetFiles(_directory, "m1-*") : []);
    }

    [Fact]
    public async Task The_seeded_generator_is_deterministic_and_returns_unit_vectors()
    {
        using var generator = new SeededEmbeddingGenerator();
        var text = MessageText.For(7);
        var first = await generator.GenerateAsync([text, MessageText.For(8)]);
        using var other = new SeededEmbeddingGenerator();
        var again = await other.GenerateAsync([text]);

        Assert.Equal(384, first[0].Vector.Length);
        Assert.Equal(first[0].Vector.ToArray(), again[0].Vector.ToArray());
        Assert.NotEqual(first[0].Vector.ToArray(), first[1].Vector.ToArray());
        var norm = Math.Sqrt(first[0].Vector.ToArray().Sum(v => (double)v * v));
        Assert.InRange(norm, 0.999, 1.001);
    }
}
