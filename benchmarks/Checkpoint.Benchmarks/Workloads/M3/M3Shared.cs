using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpoint.Benchmarks.Workloads.M2;
using Checkpoint.Memory;

namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>
/// M3-shared (issue 15): <see cref="M3Settings.Writers"/> writers in <see cref="M3Settings.Processes"/> child processes
/// (<see cref="M3Writer"/>) update <see cref="M3Settings.Items"/> shared items at random for a while, each update a
/// read-modify-write through <c>UpdateAsync</c>; this process watches the namespace. Reports lost updates (the items'
/// final counters against the commits the writers made), conflicts retried, updates/s, and the time from a writer's
/// commit to this process receiving its event (Stopwatch timestamps: one monotonic clock on Linux for all processes).
/// </summary>
public sealed class M3Shared(TextWriter stderr, M3Settings settings, bool quick)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    public async Task<M3Result> RunAsync(string name, string location)
    {
        var wall = Stopwatch.StartNew();
        await using var opened = await M3Store.OpenAsync(name, location).ConfigureAwait(false);
        var store = opened.Store;
        var processes = Enumerable.Range(0, settings.Processes).Select(i => StartWriter(name, location, i)).ToList();
        try
        {
            foreach (var process in processes)
            {
                var line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
                if (line != "ready")
                {
                    throw new InvalidOperationException($"an M3 writer process did not start: {line} {await process.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
                }
            }

            await using var watcher = await EventLog.StartAsync(store).ConfigureAwait(false);
            await stderr.WriteLineAsync(
                $"M3-shared {name}: {settings.Processes} processes, {settings.Writers} writers, {settings.Items} items, writing {settings.Seconds} s").ConfigureAwait(false);
            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("go").ConfigureAwait(false);
                await process.StandardInput.FlushAsync().ConfigureAwait(false);
            }

            var reports = await CollectAsync(processes, watcher).ConfigureAwait(false);
            var expected = reports.Sum(report => report.Updates);
            await watcher.WaitForAsync(expected, Grace).ConfigureAwait(false);
            return await SummarizeAsync(name, store, reports, watcher, wall).ConfigureAwait(false);
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }
    }

    private Process StartWriter(string name, string location, int index)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var writers = settings.Writers / settings.Processes + (index < settings.Writers % settings.Processes ? 1 : 0);
        var start = new ProcessStartInfo(host,
        [
            typeof(M3Writer).Assembly.Location, M3Writer.Command, "--store", name, "--location", location,
            "--writers", writers.ToString(CultureInfo.InvariantCulture), "--items", settings.Items.ToString(CultureInfo.InvariantCulture),
            "--seconds", settings.Seconds.ToString(CultureInfo.InvariantCulture), "--seed", (index + 1).ToString(CultureInfo.InvariantCulture),
        ])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("an M3 writer process did not start");
    }

    // Waits for every writer's report, printing progress every 5 s.
    private async Task<List<M3WriterReport>> CollectAsync(List<Process> processes, EventLog watcher)
    {
        var outputs = processes.Select(process => (Out: process.StandardOutput.ReadToEndAsync(), Err: process.StandardError.ReadToEndAsync())).ToList();
        var all = Task.WhenAll(outputs.Select(output => output.Out));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(settings.Seconds) + Grace);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5), timeout.Token)).ConfigureAwait(false) != all)
        {
            await stderr.WriteLineAsync($"  {watcher.Received} events so far").ConfigureAwait(false);
        }

        var reports = new List<M3WriterReport>();
        for (var i = 0; i < processes.Count; i++)
        {
            await processes[i].WaitForExitAsync().ConfigureAwait(false);
            var output = await outputs[i].Out.ConfigureAwait(false);
            if (processes[i].ExitCode != 0)
            {
                throw new InvalidOperationException($"M3 writer {i} failed ({processes[i].ExitCode}): {await outputs[i].Err.ConfigureAwait(false)}");
            }

            var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            reports.Add(JsonSerializer.Deserialize<M3WriterReport>(last) ?? throw new InvalidOperationException($"M3 writer {i} printed no report."));
        }

        return reports;
    }

    private async Task<M3Result> SummarizeAsync(string name, MemoryStore store, List<M3WriterReport> reports, EventLog watcher, Stopwatch wall)
    {
        long counted = 0;
        var mismatches = 0;
        for (var i = 0; i < settings.Items; i++)
        {
            if (await store.GetAsync(M3Store.Namespace, M3Store.Key(i)).ConfigureAwait(false) is { } item)
            {
                var counter = long.Parse(item.Content, CultureInfo.InvariantCulture);
                counted += counter;
                mismatches += item.Version == counter ? 0 : 1;
            }
        }

        var latencies = new List<double>();
        foreach (var report in reports)
        {
            for (var i = 0; i < report.Updates; i++)
            {
                if (watcher.ReceivedAt((int)report.Items[i], report.Versions[i]) is { } received)
                {
                    latencies.Add(Math.Max(0, (received - report.Timestamps[i]) * 1_000.0 / Stopwatch.Frequency));
                }
            }
        }

        var updates = reports.Sum(report => report.Updates);
        var seconds = reports.Max(report => report.Seconds);
        return new M3Result
        {
            Store = name,
            Processes = settings.Processes,
            Writers = settings.Writers,
            Items = settings.Items,
            Seconds = Math.Round(seconds, 2),
            Updates = updates,
            UpdatesPerS = Math.Round(updates / seconds, 1),
            ConflictsRetried = reports.Sum(report => report.Attempts) - updates,
            LostUpdates = updates - counted,
            VersionMismatches = mismatches,
            EventsExpected = updates,
            EventsReceived = watcher.Received,
            EventsOutOfOrder = watcher.OutOfOrder,
            NotifyMsP50 = M2Json.Percentile(latencies, 0.50),
            NotifyMsP99 = M2Json.Percentile(latencies, 0.99),
            NotifyMsMax = latencies.Count == 0 ? 0 : Math.Round(latencies.Max(), 3),
            PollIntervalMs = store.Options.ChangePollInterval.TotalMilliseconds,
            WallS = Math.Round(wall.Elapsed.TotalSeconds, 2),
            Quick = quick,
        };
    }

    /// <summary>The watcher: when each (item, version) event arrived, and how many came twice or out of order.</summary>
    private sealed class EventLog : IAsyncDisposable
    {
        private readonly Dictionary<(int Item, long Version), long> _arrivals = [];
        private readonly Dictionary<int, long> _lastVersion = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private Task _watching = Task.CompletedTask;

        public long Received { get; private set; }

        public long OutOfOrder { get; private set; }

        public static async Task<EventLog> StartAsync(MemoryStore store)
        {
            var log = new EventLog();
            var after = await store.GetLatestChangeIdAsync().ConfigureAwait(false);
            log._watching = Task.Run(async () =>
            {
                await foreach (var change in store.WatchAsync(M3Store.Namespace, after, log._stop.Token).ConfigureAwait(false))
                {
                    log.Record(change, Stopwatch.GetTimestamp());
                }
            });
            return log;
        }

        public long? ReceivedAt(int item, long version)
        {
            lock (_gate)
            {
                return _arrivals.TryGetValue((item, version), out var at) ? at : null;
            }
        }

        public async Task WaitForAsync(long expected, TimeSpan patience)
        {
            var clock = Stopwatch.StartNew();
            while (Received < expected && clock.Elapsed < patience && !_watching.IsCompleted)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }

            if (_watching.IsFaulted)
            {
                await _watching.ConfigureAwait(false); // the watch's error, not a silent shortfall
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _watching.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // asked for
            }

            _stop.Dispose();
        }

        private void Record(MemoryEvent change, long at)
        {
            if (change.Key is not { } key || !key.StartsWith("item-", StringComparison.Ordinal))
            {
                return;
            }

            var item = int.Parse(key.AsSpan(5), CultureInfo.InvariantCulture);
            lock (_gate)
            {
                Received++;
                if (_lastVersion.TryGetValue(item, out var last) && change.Version <= last)
                {
                    OutOfOrder++;
                }

                _lastVersion[item] = Math.Max(last, change.Version);
                _arrivals.TryAdd((item, change.Version), at);
            }
        }
    }
}
