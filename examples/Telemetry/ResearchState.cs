using Checkpoint;

namespace TelemetryExample;

/// <summary>The example's state: a question, the notes gathered in parallel, and the answer.</summary>
public sealed class ResearchState
{
    public string Question { get; set; } = "";

    [Append]
    public List<string> Notes { get; set; } = [];

    public string? Answer { get; set; }
}
