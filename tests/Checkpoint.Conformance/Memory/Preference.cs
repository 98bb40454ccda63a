namespace Checkpoint.Conformance.Memory;

/// <summary>A typed value stored with a memory in the tests.</summary>
public sealed record Preference(string Language, int Years, string[] Tags);
