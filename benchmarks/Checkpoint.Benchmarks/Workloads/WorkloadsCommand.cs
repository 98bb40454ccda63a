using System.Globalization;
using Checkpoint.Benchmarks.Workloads.M1;
using Checkpoint.Benchmarks.Workloads.M2;
using Checkpoint.Benchmarks.Workloads.M3;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// <c>workloads [--savers sqlite,postgres,redis,memory] [--n 500] [--w2-n 5000] [--threads 1000] [--workloads w1,w2,w3,m1,m2]
/// [--m1-items 100000] [--m1-namespaces 1000] [--m1-queries 200] [--m2-cap 10000] [--m2-days 365] [--m2-dedup-items 2000]
/// [--m2-memories 1000] [--m2-threads 10] [--m2-steps 500] [--m3-seconds 30] [--m3-processes 4] [--m3-writers 8] [--m3-items 100] [--fan-out-sends 1000] [--quick] [--require-all] [--dir path] [--keep]</c>: one JSON line per workload and saver on stdout,
/// progress on stderr.
/// </summary>
public static class WorkloadsCommand
{
    public const string Usage =
        "usage: workloads [--savers memory,sqlite,postgres,redis] [--n 500] [--w2-n 5000] [--threads 1000] [--workloads w1,w2,w3,m1,m2]\n" +
        "                 [--m1-items 100000] [--m1-namespaces 1000] [--m1-queries 200]\n" +
        "                 [--m2-cap 10000] [--m2-days 365] [--m2-dedup-items 2000] [--m2-memories 1000] [--m2-threads 10] [--m2-steps 500]\n" +
        "                 [--m2-embedder bow|minilm] [--m3-seconds 30] [--m3-processes 4] [--m3-writers 8] [--m3-items 100]\n" +
        "                 [--fan-out-sends 1000]\n" +
        "                 [--quick] [--require-all] [--dir <sqlite dir>] [--keep]\n" +
        "  --n            W1's supersteps; --w2-n: W2's (W2 runs only when listed in --workloads)\n" +
        "  w2             long chat: W1 with a summarizing compactor (100 messages, keep 40), then without it\n" +
        "  fan-out        one step of --fan-out-sends Sends vs as many sequential steps (3 rounds, medians; 1 with --quick)\n" +
        "  --quick        short latency loops (W2 keeps its N), W3 with 100 threads unless --threads is given,\n" +
        "                 M1 with 5,000 items and 50 queries unless --m1-items / --m1-queries are given\n" +
        "  m1             memory stores (memory, sqlite, postgres: a new schema, dropped unless --keep)\n" +
        "  sqlite-ttl, postgres-ttl: those savers with a thread time to live (1 day), to measure its put cost\n" +
        "  sqlite-deflate: the SQLite saver writing Deflate blocks (SerializerOptions.BlockCompression = Deflate) instead of\n" +
        "                 the default LZ4 HC; sqlite-lz4: LZ4 HC named explicitly (the default's blocks)\n" +
        "  sqlite-inline-wal: the SQLite saver with WAL checkpoints inside puts (BackgroundWalCheckpoints = false)\n" +
        "  sqlite-mmap, sqlite-deflate-mmap, sqlite-lz4-mmap: those reading through a 256 MiB memory map (MemoryMapBytes)\n" +
        "  m2             memory lifecycle: m2-lifecycle, m2-dedup (memory, sqlite, postgres), m2-erase (those, redis:\n" +
        "                 threads only, markdown: memories only, when listed in --savers); --quick: cap 500 over 30 days,\n" +
        "                 300 dedup items, 100 memories and 2 threads of 50 steps unless the --m2-* options are given\n" +
        "  m3             shared memory: writers in child processes update shared items through UpdateAsync while\n" +
        "                 this process watches (sqlite, postgres); --quick: 5 s unless --m3-seconds is given\n" +
        "  --require-all  fail (exit 2) instead of skipping a saver whose server env var is missing\n" +
        "  --keep         keep the SQLite files and PostgreSQL schemas (their names go to stderr)\n" +
        "  env: CHECKPOINT_POSTGRES (Npgsql connection string), CHECKPOINT_REDIS (StackExchange.Redis config)";

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var savers = new List<string> { "memory", "sqlite", "postgres", "redis" };
        var workloads = new List<string> { "w1", "w3" };
        var n = 500;
        var w2N = WorkloadRunner.W2DefaultN;
        var fanOutSends = WorkloadRunner.FanOutDefaultSends;
        int? threads = null;
        var quick = false;
        var requireAll = false;
        var keep = false;
        string? dir = null;
        int? m1Items = null;
        int? m1Queries = null;
        var m1Namespaces = 1_000;
        var m2 = new Dictionary<string, int>(StringComparer.Ordinal);
        var m2Embedder = "bag-of-words";
        var m3 = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--savers": savers = Split(Value()); break;
                case "--workloads": workloads = Split(Value()); break;
                case "--n": n = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--w2-n": w2N = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--fan-out-sends": fanOutSends = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--m1-items": m1Items = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--m1-namespaces": m1Namespaces = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--m1-queries": m1Queries = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--m2-cap" or "--m2-days" or "--m2-dedup-items" or "--m2-memories" or "--m2-threads" or "--m2-steps":
                    m2[args[i]] = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--m3-seconds" or "--m3-processes" or "--m3-writers" or "--m3-items":
                    m3[args[i]] = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--m2-embedder":
                    m2Embedder = Value() switch
                    {
                        "bow" or "bag-of-words" => "bag-of-words",
                        "minilm" => "minilm",
                        var other => throw new ArgumentException($"--m2-embedder takes bow or minilm, not '{other}'."),
                    };
                    break;
                case "--quick": quick = true; break;
                case "--require-all": requireAll = true; break;
                case "--keep": keep = true; break;
                case "--dir": dir = Value(); break;
                case "-h" or "--help":
                    await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                default:
                    await stderr.WriteLineAsync($"unknown argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                    return 1;
            }
        }

        var ownDir = dir is null;
        dir ??= Path.Combine(Path.GetTempPath(), "checkpoint-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var runner = new WorkloadRunner(stderr, quick);
        try
        {
            // W1/W2/W3 and fan-out run on checkpoint savers, M1 on memory stores: only open savers when a saver workload runs.
            foreach (var name in workloads.Contains("w1") || workloads.Contains("w2") || workloads.Contains("w3") || workloads.Contains("fan-out") ? savers : [])
            {
                await using var target = await SaverTargets.CreateAsync(name, dir, keep, stderr).ConfigureAwait(false);
                if (target is null)
                {
                    if (requireAll)
                    {
                        await stderr.WriteLineAsync($"--require-all: saver '{name}' is not available.").ConfigureAwait(false);
                        return 2;
                    }

                    continue;
                }

                if (workloads.Contains("w1"))
                {
                    await EmitAsync(stdout, await runner.RunW1Async(target, n).ConfigureAwait(false)).ConfigureAwait(false);
                }

                if (workloads.Contains("w2"))
                {
                    foreach (var line in await runner.RunW2Async(target, w2N).ConfigureAwait(false))
                    {
                        await stdout.WriteLineAsync(line.ToJson()).ConfigureAwait(false);
                        await stdout.FlushAsync().ConfigureAwait(false);
                    }
                }

                if (workloads.Contains("fan-out"))
                {
                    var line = (await runner.RunFanOutAsync(target, fanOutSends).ConfigureAwait(false)).ToJson();
                    await stdout.WriteLineAsync(line).ConfigureAwait(false);
                    await stdout.FlushAsync().ConfigureAwait(false);
                }

                if (workloads.Contains("w3"))
                {
                    var count = threads ?? (quick ? 100 : 1000);
                    await EmitAsync(stdout, await runner.RunW3Async(target, count, 1).ConfigureAwait(false)).ConfigureAwait(false);
                    await EmitAsync(stdout, await runner.RunW3Async(target, count, 8).ConfigureAwait(false)).ConfigureAwait(false);
                }
            }

            if (workloads.Contains("m1"))
            {
                var settings = new M1Settings
                {
                    Items = m1Items ?? (quick ? 5_000 : 100_000),
                    Namespaces = m1Namespaces,
                    Queries = m1Queries ?? (quick ? 50 : 200),
                };
                foreach (var name in savers)
                {
                    using var generator = new SeededEmbeddingGenerator();
                    await using var target = await M1Stores.CreateAsync(name, M1Workload.StoreOptions(generator), dir, keep, stderr).ConfigureAwait(false);
                    if (target is null)
                    {
                        if (requireAll)
                        {
                            await stderr.WriteLineAsync($"--require-all: memory store '{name}' is not available.").ConfigureAwait(false);
                            return 2;
                        }

                        continue;
                    }

                    var m1 = new M1Workload(stderr, settings, quick);
                    var line = (await m1.RunAsync(target, generator).ConfigureAwait(false)).ToJson();
                    await stdout.WriteLineAsync(line).ConfigureAwait(false);
                    await stdout.FlushAsync().ConfigureAwait(false);
                }
            }

            if (M2Runner.Wanted(workloads))
            {
                var code = await new M2Runner(stdout, stderr, M2Options(m2, quick) with { Embedder = m2Embedder }, quick, dir, keep, requireAll).RunAsync(workloads, savers).ConfigureAwait(false);
                if (code != 0)
                {
                    return code;
                }
            }

            if (M3Runner.Wanted(workloads))
            {
                var code = await new M3Runner(stdout, stderr, M3Options(m3, quick), quick, dir, keep, requireAll).RunAsync(savers).ConfigureAwait(false);
                if (code != 0)
                {
                    return code;
                }
            }
        }
        finally
        {
            if (ownDir && !keep && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        return 0;
    }

    private static async Task EmitAsync(TextWriter stdout, WorkloadResult result)
    {
        await stdout.WriteLineAsync(result.ToJson()).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
    }

    private static M3Settings M3Options(Dictionary<string, double> given, bool quick)
    {
        var defaults = quick ? M3Settings.Quick : new M3Settings();
        var settings = defaults with
        {
            Seconds = given.GetValueOrDefault("--m3-seconds", defaults.Seconds),
            Processes = (int)given.GetValueOrDefault("--m3-processes", defaults.Processes),
            Writers = (int)given.GetValueOrDefault("--m3-writers", defaults.Writers),
            Items = (int)given.GetValueOrDefault("--m3-items", defaults.Items),
        };
        if (settings.Processes < 1 || settings.Writers < settings.Processes || settings.Items < 1 || !(settings.Seconds > 0))
        {
            throw new ArgumentException("M3 needs at least one process, at least one writer per process, at least one item and a positive time.");
        }

        return settings;
    }

    private static M2Settings M2Options(Dictionary<string, int> given, bool quick)
    {
        var defaults = quick ? M2Settings.Quick : new M2Settings();
        return defaults with
        {
            LifecycleCap = given.GetValueOrDefault("--m2-cap", defaults.LifecycleCap),
            LifecycleDays = given.GetValueOrDefault("--m2-days", defaults.LifecycleDays),
            DedupItems = given.GetValueOrDefault("--m2-dedup-items", defaults.DedupItems),
            EraseMemories = given.GetValueOrDefault("--m2-memories", defaults.EraseMemories),
            EraseThreads = given.GetValueOrDefault("--m2-threads", defaults.EraseThreads),
            EraseSteps = given.GetValueOrDefault("--m2-steps", defaults.EraseSteps),
        };
    }

    private static List<string> Split(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];
}
