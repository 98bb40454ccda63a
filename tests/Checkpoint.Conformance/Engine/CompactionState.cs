namespace Checkpoint.Conformance.Engine;

/// <summary>A chat-like state: an appended list of messages and a step counter.</summary>
public sealed class CompactionState
{
    /// <summary>One message per step ("m1", "m2" ...), compacted by the graph under test.</summary>
    [Append]
    public IReadOnlyList<string> Messages { get; set; } = [];

    /// <summary>The step counter.</summary>
    public int Step { get; set; }
}
