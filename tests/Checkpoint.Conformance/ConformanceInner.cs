namespace Checkpoint.Conformance;

/// <summary>The inner part of <see cref="ConformanceSample"/>.</summary>
/// <param name="Flag">A flag.</param>
/// <param name="Score">A number.</param>
/// <param name="At">An instant.</param>
public sealed record ConformanceInner(bool Flag, double Score, DateTime At);
