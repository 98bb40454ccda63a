using System.Diagnostics;
using Checkpoint.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// M2-lifecycle (issue 10): a namespace with a capacity limit, filled to the limit, then one write per simulated
/// hour for a simulated year on a <see cref="FakeTimeProvider"/> (70% episodic, 20% long-term, 10% semantic; a
/// quarter of the episodes are scratch notes with a 7-day TTL), a few searches a day (which reinforce what they
/// return) and the TTL sweep (<c>PurgeExpiredAsync</c>) once a day. Default decay: episodes fade with a 30-day
/// half-life, facts and knowledge do not, so eviction takes the oldest unretrieved episodes first.
/// </summary>
public sealed class M2Lifecycle(TextWriter progress, M2Settings settings, bool quick)
{
    /// <summary>The namespace (and capacity group) of the workload.</summary>
    public static MemoryNamespace Namespace { get; } = MemoryNamespace.Of("m2", "life");

    /// <summary>The simulated year's first instant.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan ScratchTtl = TimeSpan.FromDays(7);

    /// <summary>Store options: the fake clock, the cap on <see cref="Namespace"/>, default decay, no embeddings (keyword search).</summary>
    public MemoryStoreOptions StoreOptions(FakeTimeProvider clock) => new()
    {
        TimeProvider = clock,
        Capacity = [new CapacityLimit(Namespace.ToString(), settings.LifecycleCap)],
    };

    /// <summary>Runs the year on <paramref name="target"/>'s store, whose options came from <see cref="StoreOptions"/> with <paramref name="clock"/>.</summary>
    public async Task<M2LifecycleResult> RunAsync(M2Target target, FakeTimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(clock);
        var store = target.Store ?? throw new ArgumentException("M2-lifecycle needs a memory store.", nameof(target));
        var wall = Stopwatch.StartNew();
        var random = new Random(settings.Seed);
        var live = new Dictionary<string, MemoryKind>(StringComparer.Ordinal);
        var expiring = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var written = KindCounts();
        var evicted = KindCounts();
        var expired = KindCounts();
        store.Evicted += (_, e) =>
        {
            foreach (var item in e.Evicted)
            {
                evicted[item.Kind]++;
                _ = live.Remove(item.Key);
                _ = expiring.Remove(item.Key);
            }
        };

        // The start: the namespace full, every item written at the start instant.
        var cap = settings.LifecycleCap;
        for (var start = 0; start < cap; start += 500)
        {
            var batch = Enumerable.Range(start, Math.Min(500, cap - start)).Select(i => Write(random, $"s{i}", i + 1, scratch: false)).ToList();
            await store.PutManyAsync(batch).ConfigureAwait(false);
            foreach (var write in batch)
            {
                live[write.Key] = write.Kind;
                written[write.Kind]++;
            }
        }

        await progress.WriteLineAsync($"M2-lifecycle {target.Name}: {cap:N0} items at the start, {settings.LifecycleDays} days of hourly writes").ConfigureAwait(false);
        var putMs = new List<double>(settings.LifecycleDays * 24);
        var sweepMs = new List<double>(settings.LifecycleDays);
        var (countMax, countMin, atCap) = (0, int.MaxValue, 0);
        var recent = new List<int>();
        for (var day = 0; day < settings.LifecycleDays; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                clock.Advance(TimeSpan.FromHours(1));
                var index = (day * 24) + hour;
                var write = Write(random, $"h{index}", cap + index + 1, scratch: true);
                var started = Stopwatch.GetTimestamp();
                _ = await store.PutAsync(write).ConfigureAwait(false);
                putMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                live[write.Key] = write.Kind;
                written[write.Kind]++;
                if (write.TimeToLive is { } ttl)
                {
                    expiring[write.Key] = clock.GetUtcNow() + ttl;
                }

                recent.Add(cap + index + 1);
                var now = clock.GetUtcNow();
                var count = live.Count - expiring.Values.Count(at => at <= now);
                (countMax, countMin) = (Math.Max(countMax, count), Math.Min(countMin, count));
                atCap += count == cap ? 1 : 0;
            }

            // A few searches for words of recent writes: what they return counts as retrieved (reinforced).
            for (var s = 0; s < settings.SearchesPerDay; s++)
            {
                var words = MessageText.For(recent[random.Next(Math.Max(0, recent.Count - (30 * 24)), recent.Count)]).Split(' ');
                var from = random.Next(words.Length - 5);
                _ = await store.SearchAsync(new MemorySearch { NamespacePrefix = Namespace, Query = string.Join(' ', words[from..(from + 4)]), Limit = 10 })
                    .ConfigureAwait(false);
            }

            var sweepStarted = Stopwatch.GetTimestamp();
            var purged = await store.PurgeExpiredAsync().ConfigureAwait(false);
            sweepMs.Add(Stopwatch.GetElapsedTime(sweepStarted).TotalMilliseconds);
            foreach (var item in purged)
            {
                expired[item.Kind]++;
                _ = live.Remove(item.Key);
                _ = expiring.Remove(item.Key);
            }

            if ((day + 1) % 30 == 0)
            {
                await progress.WriteLineAsync(
                    $"M2-lifecycle {target.Name}: day {day + 1}, {live.Count:N0} items, evicted {evicted.Values.Sum():N0}, expired {expired.Values.Sum():N0}, put p50 {M2Json.Percentile(putMs, 0.5)} ms")
                    .ConfigureAwait(false);
            }
        }

        // Timed the second time: the first call of a method pays its JIT (the runner has tiering off).
        _ = await store.EnforceCapacityAsync().ConfigureAwait(false);
        var enforceStarted = Stopwatch.GetTimestamp();
        _ = await store.EnforceCapacityAsync().ConfigureAwait(false);
        var enforceMs = Stopwatch.GetElapsedTime(enforceStarted);
        var survivors = await ListAsync(store).ConfigureAwait(false);
        var end = clock.GetUtcNow();
        var episodic = survivors.Where(item => item.Kind == MemoryKind.Episodic).ToList();
        var writes = settings.LifecycleDays * 24;
        return new M2LifecycleResult
        {
            Store = target.Name,
            Cap = cap,
            Days = settings.LifecycleDays,
            Writes = writes,
            CountMax = countMax,
            CountMin = countMin == int.MaxValue ? 0 : countMin,
            CountEnd = survivors.Count,
            AtCapShare = writes == 0 ? 0 : Math.Round((double)atCap / writes, 4),
            Written = Named(written),
            Evicted = Named(evicted),
            Expired = Named(expired),
            Survivors = Named(KindCounts(survivors)),
            OldestEpisodicDays = episodic.Count == 0 ? null : Math.Round(episodic.Max(item => (end - item.CreatedAt).TotalDays), 2),
            EpisodicSurvivorsRetrieved = episodic.Count == 0 ? null : Math.Round((double)episodic.Count(item => item.AccessCount > 0) / episodic.Count, 4),
            SweepMsP50 = M2Json.Percentile(sweepMs, 0.5),
            SweepMsMax = M2Json.Percentile(sweepMs, 1.0),
            EnforceMs = M2Json.Ms(enforceMs),
            PutMsP50 = M2Json.Percentile(putMs, 0.5),
            PutMsP99 = M2Json.Percentile(putMs, 0.99),
            WallS = Math.Round(wall.Elapsed.TotalSeconds, 2),
            Quick = quick,
        };
    }

    // Kinds 70 / 20 / 10; importance 0.1-0.9; text = WORKLOADS.md message `step`.
    private static MemoryWrite Write(Random random, string key, int step, bool scratch)
    {
        var roll = random.NextDouble();
        var kind = roll < 0.7 ? MemoryKind.Episodic : roll < 0.9 ? MemoryKind.LongTerm : MemoryKind.Semantic;
        var importance = Math.Round(0.1 + (0.8 * random.NextDouble()), 2);
        var isScratch = scratch && kind == MemoryKind.Episodic && random.NextDouble() < 0.25;
        return new MemoryWrite
        {
            Namespace = Namespace,
            Key = key,
            Kind = kind,
            Content = MessageText.For(step),
            Importance = importance,
            TimeToLive = isScratch ? ScratchTtl : null,
        };
    }

    // Every stored item through the store, newest first, a page at a time. Searches record access, so each
    // returned item's count is one more than stored: take it back.
    private static async Task<List<MemoryItem>> ListAsync(MemoryStore store)
    {
        var items = new List<MemoryItem>();
        for (var offset = 0; ; offset += 1000)
        {
            var page = await store.SearchAsync(new MemorySearch { NamespacePrefix = Namespace, Limit = 1000, Offset = offset }).ConfigureAwait(false);
            items.AddRange(page.Select(hit => store.Options.RecordAccess ? hit.Item with { AccessCount = hit.Item.AccessCount - 1 } : hit.Item));
            if (page.Count < 1000)
            {
                return items;
            }
        }
    }

    private static Dictionary<MemoryKind, int> KindCounts(IEnumerable<MemoryItem>? items = null)
    {
        var counts = Enum.GetValues<MemoryKind>().ToDictionary(kind => kind, _ => 0);
        foreach (var item in items ?? [])
        {
            counts[item.Kind]++;
        }

        return counts;
    }

    private static Dictionary<string, int> Named(Dictionary<MemoryKind, int> counts) =>
        counts.ToDictionary(pair => KindName(pair.Key), pair => pair.Value, StringComparer.Ordinal);

    /// <summary>The JSON name of a kind: episodic, long_term, semantic.</summary>
    public static string KindName(MemoryKind kind) => kind switch
    {
        MemoryKind.LongTerm => "long_term",
        MemoryKind.Episodic => "episodic",
        MemoryKind.Semantic => "semantic",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
