namespace Checkpoint.Conformance.Fuzzing;

/// <summary>The state of the graph whose stored bytes seed the fuzzer: an appended list (chunks and blocks), and inline values.</summary>
public sealed class FuzzState
{
    /// <summary>The history, stored as chunks and, past <c>BlockItems</c>, as blocks.</summary>
    [Append]
    public List<FuzzMessage> Messages { get; set; } = [];

    /// <summary>A counter (inline value).</summary>
    public int Step { get; set; }

    /// <summary>A note (inline value).</summary>
    public string Note { get; set; } = "";

    /// <summary>A map (inline value).</summary>
    public Dictionary<string, double> Scores { get; set; } = [];
}
