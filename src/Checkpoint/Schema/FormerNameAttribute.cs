namespace Checkpoint;

/// <summary>
/// A name this property had in stored data. On a property of the state type it renames a channel:
/// a checkpoint that stored the channel under the old name loads it into this property (and later
/// checkpoints store it under the new name). On a property of a type held in the state (a record, a
/// list item) it renames a map key: a stored object with the old key and not the new one binds the
/// old key's value to this property. Repeat the attribute for a property renamed more than once.
/// </summary>
/// <param name="name">The old name.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = true)]
public sealed class FormerNameAttribute(string name) : Attribute
{
    /// <summary>The old name.</summary>
    public string Name { get; } = name;
}
