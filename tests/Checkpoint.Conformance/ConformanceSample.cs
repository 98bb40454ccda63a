namespace Checkpoint.Conformance;

/// <summary>A nested record stored as an inline channel value by the round-trip tests.</summary>
/// <param name="Name">A name.</param>
/// <param name="Count">A number.</param>
/// <param name="Tags">A list.</param>
/// <param name="Inner">A nested record.</param>
public sealed record ConformanceSample(string Name, int Count, IReadOnlyList<string> Tags, ConformanceInner Inner)
{
    /// <summary>Structural equality (records compare lists by reference).</summary>
    public bool Equals(ConformanceSample? other) =>
        other is not null && Name == other.Name && Count == other.Count && Tags.SequenceEqual(other.Tags) && Inner == other.Inner;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Count, Tags.Count, Inner);
}
