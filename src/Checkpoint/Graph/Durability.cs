namespace Checkpoint;

/// <summary>When a run's checkpoints are written.</summary>
public enum Durability
{
    /// <summary>Each step waits until its checkpoint is stored (the default: nothing is lost on a crash).</summary>
    Sync,

    /// <summary>Checkpoints are written in order in the background (bounded queue), flushed when the run ends.</summary>
    Async,

    /// <summary>Only the checkpoint the run ends on (final, interrupted or failed) is written.</summary>
    Exit,
}
