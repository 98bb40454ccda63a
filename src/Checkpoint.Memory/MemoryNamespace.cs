using System.Collections.Immutable;
using System.Globalization;

namespace Checkpoint.Memory;

/// <summary>
/// Where a memory lives: an immutable path of labels, such as <c>users/42/facts</c>. Equality is by
/// value; <see cref="IsPrefixOf"/> compares whole labels, so <c>users/4</c> is never a prefix of
/// <c>users/42</c>. Stores keep <see cref="StorageKey"/> (every label followed by
/// <see cref="Separator"/>), in which a textual prefix match is a label-wise one.
/// </summary>
public sealed class MemoryNamespace : IEquatable<MemoryNamespace>, IComparable<MemoryNamespace>
{
    /// <summary>The character that ends every label in <see cref="StorageKey"/> and joins labels in <see cref="ToString"/>.</summary>
    public const char Separator = '/';

    /// <summary>The longest label, in characters.</summary>
    public const int MaxLabelLength = 128;

    /// <summary>The most labels a namespace has.</summary>
    public const int MaxDepth = 16;

    private MemoryNamespace(ImmutableArray<string> labels)
    {
        Labels = labels;
        StorageKey = string.Concat(labels.Select(label => label + Separator));
    }

    /// <summary>The labels, outermost first.</summary>
    public ImmutableArray<string> Labels { get; }

    /// <summary>The number of labels.</summary>
    public int Depth => Labels.Length;

    /// <summary>
    /// The stored form: each label followed by <see cref="Separator"/> (<c>users/42/facts/</c>). A
    /// namespace <c>p</c> is a label-wise prefix of <c>n</c> exactly when <c>n.StorageKey</c> starts
    /// with <c>p.StorageKey</c>, and namespaces sort by the ordinal order of this form.
    /// </summary>
    public string StorageKey { get; }

    /// <summary>
    /// The exclusive upper bound of the storage keys under this namespace, for SQL range queries
    /// (no LIKE escaping needed): <c>StorageKey &lt;= key AND key &lt; StorageKeyUpperBound</c>
    /// holds exactly for this namespace and the namespaces below it.
    /// </summary>
    public string StorageKeyUpperBound => StorageKey[..^1] + (char)(Separator + 1);

    /// <summary>A namespace of the given labels; throws <see cref="ArgumentException"/> naming a bad label and its position.</summary>
    /// <remarks>A <c>params</c> array rather than a params collection, so C# 12 callers (net8.0's default) can list labels too.</remarks>
    public static MemoryNamespace Of(params string[] labels) => Of((IEnumerable<string>)labels);

    /// <summary>A namespace of the given labels; throws <see cref="ArgumentException"/> naming a bad label and its position.</summary>
    public static MemoryNamespace Of(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var array = labels.ToImmutableArray();
        Validate(array);
        return new MemoryNamespace(array);
    }

    /// <summary>Reads <see cref="ToString"/> or <see cref="StorageKey"/> form (<c>users/42/facts</c>, trailing separator optional).</summary>
    public static MemoryNamespace Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.EndsWith(Separator) ? path[..^1] : path;
        return Of(trimmed.Split(Separator));
    }

    /// <summary>True when this namespace's labels are the first labels of <paramref name="other"/> (or equal them).</summary>
    public bool IsPrefixOf(MemoryNamespace other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Depth > other.Depth)
        {
            return false;
        }

        for (var i = 0; i < Depth; i++)
        {
            if (!string.Equals(Labels[i], other.Labels[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the last labels of this namespace are <paramref name="suffix"/>'s labels.</summary>
    public bool EndsWith(MemoryNamespace suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        return suffix.Depth <= Depth && Labels.Skip(Depth - suffix.Depth).SequenceEqual(suffix.Labels, StringComparer.Ordinal);
    }

    /// <summary>This namespace cut to its first <paramref name="depth"/> labels (itself when it is not deeper).</summary>
    public MemoryNamespace Truncate(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        return depth >= Depth ? this : new MemoryNamespace(Labels[..depth]);
    }

    /// <summary>A namespace one label deeper.</summary>
    public MemoryNamespace Append(string label) => Of([.. Labels, label]);

    /// <summary>The labels joined by <see cref="Separator"/>: <c>users/42/facts</c>.</summary>
    public override string ToString() => StorageKey[..^1];

    /// <inheritdoc />
    public bool Equals(MemoryNamespace? other) => other is not null && string.Equals(StorageKey, other.StorageKey, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MemoryNamespace);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(StorageKey);

    /// <summary>Orders by the ordinal order of <see cref="StorageKey"/> (what a store sorting that column with a binary collation does).</summary>
    public int CompareTo(MemoryNamespace? other) => other is null ? 1 : string.CompareOrdinal(StorageKey, other.StorageKey);

    /// <summary>Equality.</summary>
    public static bool operator ==(MemoryNamespace? left, MemoryNamespace? right) => left?.Equals(right) ?? right is null;

    /// <summary>Inequality.</summary>
    public static bool operator !=(MemoryNamespace? left, MemoryNamespace? right) => !(left == right);

    /// <summary>Ordering.</summary>
    public static bool operator <(MemoryNamespace? left, MemoryNamespace? right) => Compare(left, right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(MemoryNamespace? left, MemoryNamespace? right) => Compare(left, right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(MemoryNamespace? left, MemoryNamespace? right) => Compare(left, right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(MemoryNamespace? left, MemoryNamespace? right) => Compare(left, right) >= 0;

    private static int Compare(MemoryNamespace? left, MemoryNamespace? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    private static void Validate(ImmutableArray<string> labels)
    {
        if (labels.IsEmpty)
        {
            throw new ArgumentException("A memory namespace needs at least one label.", nameof(labels));
        }

        if (labels.Length > MaxDepth)
        {
            throw new ArgumentException($"A memory namespace has at most {MaxDepth} labels, not {labels.Length}.", nameof(labels));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            var problem = label switch
            {
                null => "is null",
                "" => "is empty",
                { Length: > MaxLabelLength } => $"is {label.Length} characters long (at most {MaxLabelLength})",
                _ when label.Contains(Separator, StringComparison.Ordinal) => $"contains the separator '{Separator}'",
                _ when label.Any(char.IsControl) => "contains a control character",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Namespace label {i} ('{Printable(label)}') {problem}."), nameof(labels));
            }
        }
    }

    internal static string Printable(string? text) =>
        text is null ? "null" : string.Concat(text.Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
