using Checkpoint.Schema;

namespace Checkpoint;

/// <summary>
/// Upcasters of a state type's stored values, version by version (the type declares its current
/// version with <see cref="StateVersionAttribute"/>). A value stored at version <c>v</c> older than
/// the code's goes through the steps <c>From(v)</c>, <c>From(v + 1)</c> ... up to the current version,
/// each transforming the value as a <see cref="StoredValue"/> tree, and is then bound to the current
/// type. Every version in between needs a step, even one that changes nothing (<see cref="From(ushort)"/>):
/// a missing step is an error rather than a silent guess.
/// <example>
/// <code>
/// new StateMigrations()
///     .From(1, "Customer", c =&gt; c.RenameProperty("Name", "FullName"))
///     .From(1, "Orders", order =&gt; order.SetProperty("Currency", "EUR")) // [Append] list: each item
///     .From(2);                                                        // 2 → 3: nothing stored changed
/// </code>
/// </example>
/// </summary>
public sealed class StateMigrations
{
    private readonly SortedDictionary<ushort, List<(string Property, Func<StoredValue, StoredValue> Upcast)>> _steps = [];

    /// <summary>Declares the step from <paramref name="version"/> to the next version, with nothing to change (yet).</summary>
    public StateMigrations From(ushort version)
    {
        if (!_steps.ContainsKey(version))
        {
            _steps[version] = [];
        }

        return this;
    }

    /// <summary>
    /// Adds to the step from <paramref name="version"/> to the next one an upcaster of the stored value of
    /// the state property <paramref name="property"/> (its name in the current code). For an
    /// <c>[Append]</c> list the upcaster is applied to each item (items are stored in chunks written at
    /// different versions); for any other property, to the whole value. Upcasters of one step and
    /// property run in the order added.
    /// </summary>
    public StateMigrations From(ushort version, string property, Func<StoredValue, StoredValue> upcast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        ArgumentNullException.ThrowIfNull(upcast);
        From(version);
        _steps[version].Add((property, upcast));
        return this;
    }

    /// <summary>The versions that have a step.</summary>
    internal IEnumerable<ushort> Versions => _steps.Keys;

    /// <summary>The properties named by upcasters.</summary>
    internal IEnumerable<string> Properties => _steps.Values.SelectMany(step => step.Select(s => s.Property)).Distinct();

    internal bool HasStep(ushort version) => _steps.ContainsKey(version);

    /// <summary>The upcasters of <paramref name="property"/> in the step from <paramref name="version"/>.</summary>
    internal IEnumerable<Func<StoredValue, StoredValue>> Upcasters(ushort version, string property) =>
        _steps.TryGetValue(version, out var step) ? step.Where(s => s.Property == property).Select(s => s.Upcast) : [];
}
