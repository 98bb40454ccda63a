using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Checkpoint.Runtime;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named "Checkpoint".</summary>
internal static class Telemetry
{
    public const string Name = "Checkpoint";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Steps = Meter.CreateCounter<long>("checkpoint.steps", description: "Supersteps completed.");

    public static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>("checkpoint.checkpoints", description: "Checkpoints written.");
}
