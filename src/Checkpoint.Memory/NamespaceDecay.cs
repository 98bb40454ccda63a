namespace Checkpoint.Memory;

/// <summary>A decay rule for the memories under a namespace prefix (see <see cref="DecayOptions.Namespaces"/>).</summary>
/// <param name="Prefix">The namespace prefix the rule applies to.</param>
/// <param name="Kind">The one kind the rule applies to, or null for every kind.</param>
/// <param name="HalfLife">The half-life, or null for no decay.</param>
public sealed record NamespaceDecay(MemoryNamespace Prefix, MemoryKind? Kind, TimeSpan? HalfLife);
