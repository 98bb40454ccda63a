using Checkpoint.Benchmarks.Workloads.M2;

namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>One M3-shared line (issue 15): concurrent writers in several processes, and a watcher in another.</summary>
public sealed record M3Result
{
    /// <summary>Always "M3-shared".</summary>
    public string Workload { get; init; } = "M3-shared";

    /// <summary>sqlite or postgres.</summary>
    public required string Store { get; init; }

    public required int Processes { get; init; }

    public required int Writers { get; init; }

    public required int Items { get; init; }

    /// <summary>How long the writers wrote, s (measured from the go signal to the last writer's end).</summary>
    public required double Seconds { get; init; }

    /// <summary>Updates that committed (each one a read-modify-write of one item through <c>UpdateAsync</c>).</summary>
    public required long Updates { get; init; }

    public required double UpdatesPerS { get; init; }

    /// <summary>Attempts that lost to another writer's commit and were retried (read again, changed again).</summary>
    public required long ConflictsRetried { get; init; }

    /// <summary>Committed updates missing from the items' final counters (must be 0).</summary>
    public required long LostUpdates { get; init; }

    /// <summary>Items whose version is not their counter (must be 0: every commit is one version).</summary>
    public required int VersionMismatches { get; init; }

    /// <summary>Change events the watcher should see (one per committed update) and those it saw.</summary>
    public required long EventsExpected { get; init; }

    public required long EventsReceived { get; init; }

    /// <summary>Events seen twice or out of an item's version order (must be 0).</summary>
    public required long EventsOutOfOrder { get; init; }

    /// <summary>From a writer's return from the commit to the watcher in this process receiving its event, ms (one monotonic clock for all processes).</summary>
    public required double NotifyMsP50 { get; init; }

    public required double NotifyMsP99 { get; init; }

    public required double NotifyMsMax { get; init; }

    /// <summary>The store's <c>ChangePollInterval</c> (SQLite polls at it; PostgreSQL is woken by NOTIFY), ms.</summary>
    public required double PollIntervalMs { get; init; }

    /// <summary>Wall time of the whole run (start of the processes to the last event), s.</summary>
    public required double WallS { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => M2Json.Serialize(this);

    /// <summary>The fields issue 15 asks for.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
        ["workload", "store", "processes", "writers", "items", "seconds", "updates", "updates_per_s", "conflicts_retried", "lost_updates",
         "events_expected", "events_received", "notify_ms_p50", "notify_ms_p99"];
}
