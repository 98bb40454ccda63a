using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpoint.Memory;

namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>
/// <c>m3-writer --store sqlite|postgres --location &lt;file|schema&gt; --writers 2 --items 100 --seconds 30 --seed 1</c>: one
/// writer process of M3-shared. Opens the store, prints "ready", waits for a line on stdin, then runs its writers for
/// the time given, each updating random items through <c>UpdateAsync</c> (a counter in the content, +1), and prints its
/// <see cref="M3WriterReport"/> as the last stdout line.
/// </summary>
public static class M3Writer
{
    public const string Command = "m3-writer";

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            given[args[i]] = args[i + 1];
        }

        string Arg(string name) => given.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{Command} needs {name}.");
        int Int(string name) => int.Parse(Arg(name), CultureInfo.InvariantCulture);
        var items = Int("--items");
        var seconds = double.Parse(Arg("--seconds"), CultureInfo.InvariantCulture);
        await using var opened = await M3Store.OpenAsync(Arg("--store"), Arg("--location")).ConfigureAwait(false);
        var store = opened.Store;
        await stdout.WriteLineAsync("ready").ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
        _ = await stdin.ReadLineAsync().ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var writers = Enumerable.Range(0, Int("--writers"))
            .Select(w => Task.Run(() => WriteAsync(store, new Random(Int("--seed") * 1_000 + w), items, clock, deadline)))
            .ToList();
        var results = await Task.WhenAll(writers).ConfigureAwait(false);
        var commits = results.SelectMany(result => result.Commits).ToList();
        var report = new M3WriterReport
        {
            Updates = commits.Count,
            Attempts = results.Sum(result => result.Attempts),
            Seconds = clock.Elapsed.TotalSeconds,
            Items = [.. commits.Select(commit => (long)commit.Item)],
            Versions = [.. commits.Select(commit => commit.Version)],
            Timestamps = [.. commits.Select(commit => commit.Timestamp)],
        };
        await stdout.WriteLineAsync(JsonSerializer.Serialize(report)).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<(List<(int Item, long Version, long Timestamp)> Commits, long Attempts)> WriteAsync(
        MemoryStore store, Random random, int items, Stopwatch clock, TimeSpan deadline)
    {
        var commits = new List<(int, long, long)>();
        long attempts = 0;
        while (clock.Elapsed < deadline)
        {
            var index = random.Next(items);
            var key = M3Store.Key(index);
            var stored = await store.UpdateAsync(M3Store.Namespace, key, item =>
            {
                attempts++;
                var count = item is null ? 0 : long.Parse(item.Content, CultureInfo.InvariantCulture);
                return new MemoryWrite { Namespace = M3Store.Namespace, Key = key, Content = (count + 1).ToString(CultureInfo.InvariantCulture) };
            }, maxAttempts: 100_000).ConfigureAwait(false);
            commits.Add((index, stored!.Version, Stopwatch.GetTimestamp()));
        }

        return (commits, attempts);
    }
}
