namespace Checkpoint;

/// <summary>
/// Marks a list property as an append channel: a node's update is appended to the current list
/// instead of replacing it. Storage keeps each appended item once, so a growing history costs O(n).
/// Supported types: <c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>,
/// <c>IEnumerable&lt;T&gt;</c>, <c>ImmutableList&lt;T&gt;</c>. An update may be one item or a collection of items.
/// Prefer <c>IReadOnlyList&lt;T&gt;</c> (or <c>ImmutableList&lt;T&gt;</c>) for long histories: appending to it
/// costs O(1) per item, while <c>List&lt;T&gt;</c> and arrays are copied at every step, and again for
/// every node and router that reads them (each gets its own copy, so none can change the stored list).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AppendAttribute : Attribute;
