namespace Checkpoint.CrashWorker;

/// <summary>The outcome of one crash run (<see cref="CrashCampaign.RunAsync"/>): workers killed, then the run finished and compared.</summary>
public sealed class CrashRun
{
    /// <summary>The seed of the kill points.</summary>
    public required int Seed { get; init; }

    /// <summary>Workers killed with SIGKILL.</summary>
    public int Kills { get; internal set; }

    /// <summary>True when the resumed run's final state and whole history equal the uninterrupted run's.</summary>
    public bool EqualsUninterrupted { get; internal set; }

    /// <summary>Tasks whose writes were committed before a kill that ran again after it (must be 0).</summary>
    public int CommittedTasksRunTwice { get; internal set; }

    /// <summary>Tasks of the final history that never ran, plus tasks the uninterrupted run has and this one lacks (must be 0).</summary>
    public int TasksLost { get; internal set; }

    /// <summary>Tasks that ran before a kill and again after it because the kill interrupted them (allowed: their writes were not committed).</summary>
    public int InterruptedTasksRerun { get; internal set; }

    /// <summary>Side effects logged in all (one per task execution).</summary>
    public int SideEffects { get; internal set; }

    /// <summary>What went wrong, if anything; empty for a good run.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>One line per kill: where it landed and what the file held after it.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>True when nothing went wrong.</summary>
    public bool Passed => Violations.Count == 0 && EqualsUninterrupted && CommittedTasksRunTwice == 0 && TasksLost == 0;
}
