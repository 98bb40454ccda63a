namespace Checkpoint.Benchmarks.Workloads;

/// <summary>One memory of the recall set: <c>Kind</c> is <c>fact</c>, <c>episodic</c> or <c>semantic</c>.</summary>
public sealed record MemoryRecallFact(string Id, string Namespace, string Kind, string Text);
