namespace Checkpoint;

/// <summary>
/// Marks a dictionary property as a merge channel: the entries of an update are added to the
/// current dictionary, replacing entries with the same key. Supported types:
/// <c>Dictionary&lt;K,V&gt;</c>, <c>IDictionary&lt;K,V&gt;</c>, <c>IReadOnlyDictionary&lt;K,V&gt;</c>, <c>ImmutableDictionary&lt;K,V&gt;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MergeByKeyAttribute : Attribute;
