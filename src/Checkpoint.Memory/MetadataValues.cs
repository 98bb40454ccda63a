using System.Collections;
using System.Globalization;

namespace Checkpoint.Memory;

/// <summary>Metadata scalars: the accepted types, their normal forms and how conditions compare them.</summary>
public static class MetadataValues
{
    /// <summary>
    /// The stored form of a metadata value: strings and booleans as they are, integers as
    /// <see cref="long"/>, floating-point numbers as <see cref="double"/>. Anything else (null, lists,
    /// objects, NaN, integers beyond <see cref="long"/>) throws an <see cref="ArgumentException"/> naming <paramref name="key"/>.
    /// </summary>
    public static object Normalize(string key, object? value) => value switch
    {
        string or bool or long => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        double d when double.IsFinite(d) => d,
        float f when float.IsFinite(f) => (double)f,
        decimal m => (double)m,
        _ => throw new ArgumentException(
            $"Metadata '{key}' has a value of type {value?.GetType().Name ?? "null"}; metadata values are strings, booleans, integers or finite numbers.",
            nameof(value)),
    };

    /// <summary>The normal form of a condition: its value normalized, a list of values for <see cref="MetadataOperator.In"/>.</summary>
    public static MetadataCondition Normalize(MetadataCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrEmpty(condition.Key, nameof(condition));
        if (!Enum.IsDefined(condition.Operator))
        {
            throw new ArgumentOutOfRangeException(nameof(condition), condition.Operator, $"Unknown metadata operator for '{condition.Key}'.");
        }

        if (condition.Operator != MetadataOperator.In)
        {
            return condition with { Value = Normalize(condition.Key, condition.Value) };
        }

        if (condition.Value is string or not IEnumerable)
        {
            throw new ArgumentException($"Metadata condition In on '{condition.Key}' needs a list of values.", nameof(condition));
        }

        var values = ((IEnumerable)condition.Value).Cast<object?>().Select(v => Normalize(condition.Key, v)).ToArray();
        return values.Length == 0
            ? throw new ArgumentException($"Metadata condition In on '{condition.Key}' needs at least one value.", nameof(condition))
            : condition with { Value = values };
    }

    /// <summary>Whether <paramref name="metadata"/> satisfies <paramref name="condition"/> (see <see cref="MetadataCondition"/>).</summary>
    public static bool Matches(IReadOnlyDictionary<string, object> metadata, MetadataCondition condition)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        condition = Normalize(condition);
        if (!metadata.TryGetValue(condition.Key, out var actual))
        {
            return condition.Operator == MetadataOperator.Ne;
        }

        if (condition.Operator == MetadataOperator.In)
        {
            return ((object[])condition.Value).Any(v => Compare(actual, v) == 0);
        }

        var order = Compare(actual, condition.Value);
        return condition.Operator switch
        {
            MetadataOperator.Eq => order == 0,
            MetadataOperator.Ne => order != 0,
            MetadataOperator.Gt => order > 0,
            MetadataOperator.Gte => order >= 0,
            MetadataOperator.Lt => order < 0,
            MetadataOperator.Lte => order <= 0,
            _ => false,
        };
    }

    // Order of two normalized scalars; null when they are of different kinds (string, number, bool).
    private static int? Compare(object left, object right) => (left, right) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        (long a, long b) => a.CompareTo(b),
        (long a, double b) => ((double)a).CompareTo(b),
        (double a, long b) => a.CompareTo(b),
        (double a, double b) => a.CompareTo(b),
        _ => null,
    };
}
