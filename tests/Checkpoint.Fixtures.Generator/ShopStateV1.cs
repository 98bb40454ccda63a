namespace Checkpoint.Fixtures.Generator;

/// <summary>
/// Version 1 of a state type, as an app shipped it: the fixture databases hold its checkpoints, and the
/// tests read them with later versions (renamed, added, removed and widened properties, new list item fields).
/// </summary>
[StateVersion(1)]
public sealed class ShopStateV1
{
    /// <summary>Renamed to FullName in version 2 (a channel rename).</summary>
    public string Name { get; set; } = "";

    /// <summary>Widened to long in version 2.</summary>
    public int Visits { get; set; }

    /// <summary>Widened to double in version 2.</summary>
    public int Score { get; set; }

    /// <summary>Becomes int? in version 2.</summary>
    public int Rating { get; set; }

    /// <summary>Removed in version 2.</summary>
    public string Legacy { get; set; } = "";

    /// <summary>Street is renamed StreetLine in version 2 (a map key rename), and Zip added.</summary>
    public AddressV1 Address { get; set; } = new();

    /// <summary>Reshaped by an upcaster in version 2 (Nick becomes DisplayName, Tier is added).</summary>
    public ProfileV1 Profile { get; set; } = new();

    /// <summary>An append list crossing a 64-item block; its items gain fields in version 2.</summary>
    [Append]
    public IReadOnlyList<OrderV1> Orders { get; set; } = [];

    /// <summary>An append list of strings, unchanged.</summary>
    [Append]
    public IReadOnlyList<string> Log { get; set; } = [];
}

/// <summary>A nested record, version 1.</summary>
public sealed record AddressV1
{
    /// <summary>Renamed StreetLine in version 2.</summary>
    public string Street { get; init; } = "";

    /// <summary>Unchanged.</summary>
    public string City { get; init; } = "";
}

/// <summary>A nested record, version 1.</summary>
public sealed record ProfileV1
{
    /// <summary>Becomes DisplayName in version 2 (through an upcaster).</summary>
    public string Nick { get; init; } = "";
}

/// <summary>A list item, version 1.</summary>
public sealed record OrderV1
{
    /// <summary>Widened to long in version 2.</summary>
    public int Id { get; init; }

    /// <summary>Renamed Item in version 2 ([FormerName] on the item type).</summary>
    public string Product { get; init; } = "";

    /// <summary>Unchanged.</summary>
    public decimal Price { get; init; }
}
