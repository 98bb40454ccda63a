namespace Checkpoint.Hosting;

/// <summary>What one thread expiry sweep removed.</summary>
/// <param name="ThreadsPurged">Expired threads deleted with their checkpoints, chunks and writes (<see cref="Storage.CheckpointSaver.PurgeExpiredThreadsAsync"/>).</param>
/// <param name="Elapsed">How long the sweep took.</param>
public sealed record ThreadExpirySweepSummary(int ThreadsPurged, TimeSpan Elapsed);
