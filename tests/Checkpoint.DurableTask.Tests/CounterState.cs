namespace Checkpoint.DurableTask.Tests;

/// <summary>A counter with an appended log of the steps, and a slot for an answer given on resume.</summary>
public sealed class CounterState
{
    public int Count { get; set; }

    [Append]
    public List<string> Log { get; set; } = [];

    public string? Answer { get; set; }
}
