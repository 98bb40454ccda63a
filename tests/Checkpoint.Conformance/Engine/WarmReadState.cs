namespace Checkpoint.Conformance.Engine;

/// <summary>A state with an append list of immutable items and one of mutable items.</summary>
public sealed class WarmReadState
{
    /// <summary>An immutable list of strings: reads may share the assembled list as prefix views.</summary>
    [Append]
    public IReadOnlyList<string> Items { get; set; } = [];

    /// <summary>A mutable list of strings: decoded items may be shared, the list never.</summary>
    [Append]
    public List<string> Words { get; set; } = [];

    /// <summary>Holders of mutable lists: every read must decode its own.</summary>
    [Append]
    public List<Holder> Boxes { get; set; } = [];

    /// <summary>The step counter.</summary>
    public int Step { get; set; }
}

/// <summary>A list of numbers as <see cref="int"/>s: read back as <see cref="LongNumbersState"/> too (same channels).</summary>
public sealed class IntNumbersState
{
    [Append]
    public IReadOnlyList<int> Numbers { get; set; } = [];

    public int Step { get; set; }
}

/// <summary>The channels of <see cref="IntNumbersState"/> with the numbers as <see cref="long"/>s.</summary>
public sealed class LongNumbersState
{
    [Append]
    public IReadOnlyList<long> Numbers { get; set; } = [];

    public int Step { get; set; }
}
