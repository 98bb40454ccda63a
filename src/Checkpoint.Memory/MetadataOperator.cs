namespace Checkpoint.Memory;

/// <summary>How a <see cref="MetadataCondition"/> compares a metadata value.</summary>
public enum MetadataOperator
{
    /// <summary>Equal (numbers compare by value: 3 equals 3.0).</summary>
    Eq,

    /// <summary>Not equal; an item without the key matches.</summary>
    Ne,

    /// <summary>Greater than (numbers with numbers, strings ordinally with strings).</summary>
    Gt,

    /// <summary>Greater than or equal.</summary>
    Gte,

    /// <summary>Less than.</summary>
    Lt,

    /// <summary>Less than or equal.</summary>
    Lte,

    /// <summary>Equal to one of a list of values.</summary>
    In,
}
