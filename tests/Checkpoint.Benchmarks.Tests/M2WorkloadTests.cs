using System.Numerics.Tensors;
using System.Text.Json;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Benchmarks.Workloads.M2;

namespace Checkpoint.Benchmarks.Tests;

/// <summary>Runs M2 (issue 10) through the real workload command in quick mode on memory and SQLite. No timing assertions.</summary>
public sealed class M2WorkloadTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-m2-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Quick_m2_prints_every_line_with_its_fields_and_erasure_leaves_no_byte_of_the_subject()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await WorkloadsCommand.RunAsync(["--workloads", "m2", "--savers", "memory,sqlite", "--quick", "--dir", _directory], stdout, stderr);

        Assert.True(code == 0, $"exit code {code}: {stderr}");
        var roots = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(
            ["M2-lifecycle memory", "M2-lifecycle sqlite", "M2-dedup memory write", "M2-dedup memory sweep", "M2-dedup sqlite write",
             "M2-dedup sqlite sweep", "M2-erase memory", "M2-erase sqlite"],
            roots.Select(r => $"{r.GetProperty("workload").GetString()} {r.GetProperty("store").GetString()}"
                + (r.TryGetProperty("mode", out var mode) ? " " + mode.GetString() : "")));

        foreach (var root in roots.Where(r => r.GetProperty("workload").GetString() == "M2-lifecycle"))
        {
            HasFields(root, M2LifecycleResult.RequiredFields);
            var cap = root.GetProperty("cap").GetInt32();
            Assert.Equal(M2Settings.Quick.LifecycleCap, cap);
            Assert.Equal(cap, root.GetProperty("count_max").GetInt32());
            Assert.Equal(cap, root.GetProperty("count_end").GetInt32());

            // Facts and knowledge do not decay and are fewer than the cap: eviction and TTL take episodes only.
            foreach (var kind in new[] { "long_term", "semantic" })
            {
                Assert.Equal(root.GetProperty("written").GetProperty(kind).GetInt32(), root.GetProperty("survivors").GetProperty(kind).GetInt32());
                Assert.Equal(0, root.GetProperty("evicted").GetProperty(kind).GetInt32());
            }

            Assert.True(root.GetProperty("evicted").GetProperty("episodic").GetInt32() > 0, root.ToString());
            Assert.True(root.GetProperty("expired").GetProperty("episodic").GetInt32() > 0, root.ToString());
            Assert.True(root.GetProperty("sweep_ms_p50").GetDouble() > 0);
        }

        foreach (var root in roots.Where(r => r.GetProperty("workload").GetString() == "M2-dedup"))
        {
            HasFields(root, M2DedupResult.RequiredFields);
            Assert.True(root.GetProperty("duplicates").GetInt32() > 0);
            Assert.Equal(0, root.GetProperty("distinct_wrongly_merged").GetDouble());
            Assert.True(root.GetProperty("duplicates_merged").GetDouble() >= 0.9, root.ToString());
            Assert.True(root.GetProperty("paraphrase_cosine_min").GetDouble() >= root.GetProperty("threshold").GetDouble());
            Assert.True(root.GetProperty("distinct_cosine_max").GetDouble() < root.GetProperty("threshold").GetDouble());
            if (root.GetProperty("mode").GetString() == "sweep")
            {
                // The sweep compares every item with its group's oldest: each fact ends as one item.
                Assert.Equal(1.0, root.GetProperty("duplicates_merged").GetDouble());
                Assert.Equal(root.GetProperty("facts").GetInt32(), root.GetProperty("items_left").GetInt32());
            }
        }

        foreach (var root in roots.Where(r => r.GetProperty("workload").GetString() == "M2-erase"))
        {
            HasFields(root, M2EraseResult.RequiredFields);
            var settings = M2Settings.Quick;
            Assert.Equal(0, root.GetProperty("records_left").GetInt32());
            Assert.True(root.GetProperty("kept_intact").GetBoolean());
            Assert.True(root.GetProperty("scrubbed").GetBoolean());
            Assert.Equal(settings.EraseMemories, root.GetProperty("memory_items").GetInt32());
            Assert.Equal(settings.EraseMemories + (settings.EraseMemories / 10), root.GetProperty("history_rows").GetInt32());
            Assert.Equal(settings.EraseThreads, root.GetProperty("threads_erased").GetInt32());
            Assert.True(root.GetProperty("checkpoints").GetInt32() > settings.EraseThreads * settings.EraseSteps);
            Assert.Equal(
                root.GetProperty("memory_items").GetInt32() + root.GetProperty("history_rows").GetInt32() + root.GetProperty("checkpoints").GetInt32(),
                root.GetProperty("records_erased").GetInt32());
        }

        var memory = roots.Single(r => r.GetProperty("workload").GetString() == "M2-erase" && r.GetProperty("store").GetString() == "memory");
        Assert.Equal(JsonValueKind.Null, memory.GetProperty("bytes_left").ValueKind);
        var sqlite = roots.Single(r => r.GetProperty("workload").GetString() == "M2-erase" && r.GetProperty("store").GetString() == "sqlite");
        Assert.Equal(0, sqlite.GetProperty("bytes_left").GetInt64());
        Assert.True(sqlite.GetProperty("bytes_before").GetInt64() > 0, "the scan must see the subject before erasure");
        Assert.True(sqlite.GetProperty("kept_bytes_left").GetInt64() > 0, "the scan must still see the kept subject");
        Assert.Empty(Directory.Exists(_directory) ? Directory.GetFiles(_directory, "m2-*") : []);
    }

    [Fact]
    public void The_bag_of_words_embedder_ignores_order_and_a_swapped_word_lowers_the_cosine()
    {
        using var embedder = new BagOfWordsEmbeddingGenerator();
        var text = "the city was new in that year and the world";
        var reordered = "year the world new in was city the and that";
        var swapped = "the city was new in that time and the world";

        Assert.Equal(1.0, TensorPrimitives.CosineSimilarity(embedder.VectorOf(text), embedder.VectorOf(reordered)), 5);
        Assert.InRange(TensorPrimitives.CosineSimilarity(embedder.VectorOf(text), embedder.VectorOf(swapped)), 0.5, 0.95);
        Assert.Equal(embedder.VectorOf(text), new BagOfWordsEmbeddingGenerator().VectorOf(text));
    }

    [Fact]
    public void The_dedup_stream_is_seeded_and_thirty_percent_paraphrases_of_earlier_facts_sharing_no_run_of_words()
    {
        var stream = new M2DedupStream(2_000, 0.3, seed: 10);
        var again = new M2DedupStream(2_000, 0.3, seed: 10);

        Assert.Equal(stream.Items, again.Items);
        Assert.Equal(600, stream.Items.Count(item => item.IsDuplicate));
        var firstOf = new Dictionary<int, int>();
        for (var i = 0; i < stream.Items.Count; i++)
        {
            var item = stream.Items[i];
            if (!item.IsDuplicate)
            {
                firstOf.Add(item.Fact, i);
                Assert.Equal(stream.Facts[item.Fact], item.Text);
            }
            else
            {
                Assert.True(firstOf.ContainsKey(item.Fact), "a paraphrase follows its fact");
                Assert.InRange(item.Swaps!.Value, 0, 3);
                Assert.Equal(stream.Facts[item.Fact].Split(' ').Length, item.Text.Split(' ').Length);
            }
        }

        // No two facts share a run of 8 words (the text's LCG can repeat a text shifted by a few words).
        var runs = stream.Facts.SelectMany((fact, f) =>
        {
            var words = fact.Split(' ');
            return Enumerable.Range(0, words.Length - 7).Select(at => (Run: string.Join(' ', words[at..(at + 8)]), Fact: f)).Distinct();
        });
        Assert.All(runs.GroupBy(r => r.Run), group => Assert.Single(group.Select(r => r.Fact).Distinct()));
    }

    private static void HasFields(JsonElement root, IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing field '{field}' in {root}");
        }
    }
}
