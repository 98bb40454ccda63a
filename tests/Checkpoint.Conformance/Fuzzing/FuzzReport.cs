using System.Globalization;

namespace Checkpoint.Conformance.Fuzzing;

/// <summary>What a fuzz run did: inputs per decoder and mutation, outcomes by exception type, the largest allocation, the slowest input, and the failures.</summary>
public sealed class FuzzReport
{
    private const int MaxFailuresKept = 20;

    /// <summary>The random seed of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>Inputs decoded.</summary>
    public long Inputs { get; internal set; }

    /// <summary>Wall time of the run (seed graph runs included).</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Inputs per decoder.</summary>
    public SortedDictionary<string, long> ByDecoder { get; } = new(StringComparer.Ordinal);

    /// <summary>Inputs per mutation kind.</summary>
    public SortedDictionary<string, long> ByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Outcomes: "decoded", or the exception type that escaped (a corrupt-data exception also names the error it wraps).</summary>
    public SortedDictionary<string, long> ByOutcome { get; } = new(StringComparer.Ordinal);

    /// <summary>The most bytes one input made its decoder allocate.</summary>
    public long MaxAllocated { get; internal set; }

    /// <summary>The length of the input that allocated <see cref="MaxAllocated"/>.</summary>
    public int MaxAllocatedInputLength { get; internal set; }

    /// <summary>The largest share of its allocation bound one input used (1 = at the bound).</summary>
    public double MaxBoundUse { get; internal set; }

    /// <summary>The longest time one input took to decode.</summary>
    public TimeSpan Slowest { get; internal set; }

    /// <summary>The decoder and mutation of the slowest input.</summary>
    public string SlowestInput { get; internal set; } = "";

    /// <summary>How many inputs broke a rule (only the first 20 are kept in <see cref="Failures"/>).</summary>
    public long FailureCount { get; internal set; }

    /// <summary>The first inputs that broke a rule.</summary>
    public List<FuzzFailure> Failures { get; } = [];

    internal void Fail(FuzzFailure failure)
    {
        FailureCount++;
        if (Failures.Count < MaxFailuresKept)
        {
            Failures.Add(failure);
        }
    }

    /// <summary>Writes the report as text, one figure a line.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"fuzz: {Inputs:N0} inputs, seed {Seed}, {Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0} inputs/s)"));
        writer.WriteLine("per decoder: " + Join(ByDecoder));
        writer.WriteLine("per mutation: " + Join(ByKind));
        writer.WriteLine("outcomes:");
        foreach (var (outcome, count) in ByOutcome.OrderByDescending(o => o.Value))
        {
            writer.WriteLine(string.Create(c, $"  {count,12:N0}  {outcome}"));
        }

        writer.WriteLine(string.Create(c, $"max allocation: {MaxAllocated:N0} bytes (input of {MaxAllocatedInputLength:N0} bytes); max share of the bound used: {MaxBoundUse:P1}"));
        writer.WriteLine(string.Create(c, $"slowest input: {Slowest.TotalMilliseconds:F2} ms ({SlowestInput})"));
        writer.WriteLine(string.Create(c, $"failures (undocumented exception or allocation over the bound): {FailureCount}"));
        foreach (var failure in Failures)
        {
            writer.WriteLine(string.Create(c, $"  input {failure.Index} ({failure.Decoder}, {failure.Kind}): {failure.Problem}"));
            writer.WriteLine($"    {failure.Input}");
        }
    }

    private static string Join(SortedDictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")));
}
