namespace Checkpoint.Memory;

/// <summary>
/// A condition on one metadata key. <paramref name="Value"/> is a scalar (string, integer, floating
/// point, bool), or for <see cref="MetadataOperator.In"/> a list of scalars. Only <see cref="MetadataOperator.Ne"/>
/// matches an item without the key; comparing values of different types (a string with a number) is false
/// (true for <see cref="MetadataOperator.Ne"/>).
/// </summary>
/// <param name="Key">The metadata key.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The value compared with.</param>
public sealed record MetadataCondition(string Key, MetadataOperator Operator, object Value)
{
    /// <summary>Key equals value.</summary>
    public static MetadataCondition Eq(string key, object value) => new(key, MetadataOperator.Eq, value);

    /// <summary>Key is one of the values (a <c>params</c> array, so C# 12 callers can list them too).</summary>
    public static MetadataCondition In(string key, params object[] values) => In(key, (IEnumerable<object>)values);

    /// <summary>Key is one of the values.</summary>
    public static MetadataCondition In(string key, IEnumerable<object> values) => new(key, MetadataOperator.In, values.ToArray());
}
