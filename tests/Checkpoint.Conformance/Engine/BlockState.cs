namespace Checkpoint.Conformance.Engine;

/// <summary>A state whose lists grow by 1 to 3 items a step, so block boundaries fall inside and between steps.</summary>
public sealed class BlockState
{
    /// <summary>Immutable items (reads may share them).</summary>
    [Append]
    public IReadOnlyList<string> Items { get; set; } = [];

    /// <summary>Mutable holders (every read decodes its own).</summary>
    [Append]
    public List<Holder> Boxes { get; set; } = [];

    /// <summary>The step counter.</summary>
    public int Step { get; set; }

    /// <summary>The items after <paramref name="steps"/> steps of <see cref="BlockGraphs.Loop"/>.</summary>
    public static IEnumerable<string> ExpectedItems(int steps) =>
        Enumerable.Range(0, steps).SelectMany(step => Enumerable.Range(0, (step % 3) + 1).Select(k => $"item {step}.{k}"));
}
