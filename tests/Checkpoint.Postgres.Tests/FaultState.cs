namespace Checkpoint.Postgres.Tests;

/// <summary>The state of <see cref="PostgresFaultTests"/>' graph: an appended list (chunks) and a counter.</summary>
public sealed class FaultState
{
    /// <summary>One item per step.</summary>
    [Append]
    public List<string> Items { get; set; } = [];

    /// <summary>Steps run.</summary>
    public int Counter { get; set; }
}
