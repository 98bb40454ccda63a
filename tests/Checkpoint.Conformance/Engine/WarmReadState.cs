namespace Checkpoint.Conformance.Engine;

/// <summary>A state with an append list of immutable items and one of mutable items.</summary>
public sealed class WarmReadState
{
    /// <summary>Strings: decoded items may be shared by reads.</summary>
    [Append]
    public List<string> Items { get; set; } = [];

    /// <summary>Holders of mutable lists: every read must decode its own.</summary>
    [Append]
    public List<Holder> Boxes { get; set; } = [];

    /// <summary>The step counter.</summary>
    public int Step { get; set; }
}
