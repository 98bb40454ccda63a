using Checkpoint.Fixtures.Generator;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Version 2 of the fixture's <see cref="ShopStateV1"/>: Name renamed FullName (a channel rename), Visits
/// widened to long, Score to double, Rating to int?, Legacy removed, Approved and Segment added, Address.Street
/// renamed StreetLine, Profile reshaped by an upcaster, and order items gaining fields.
/// </summary>
[StateVersion(2)]
public sealed class ShopStateV2
{
    [FormerName("Name")]
    public string FullName { get; set; } = "";

    public long Visits { get; set; }

    public double Score { get; set; }

    public int? Rating { get; set; }

    public AddressV2 Address { get; set; } = new();

    public ProfileV2 Profile { get; set; } = new();

    [Append]
    public IReadOnlyList<OrderV2> Orders { get; set; } = [];

    [Append]
    public IReadOnlyList<string> Log { get; set; } = [];

    public bool Approved { get; set; }

    public string Segment { get; set; } = "retail";
}

/// <summary>Version 3: the same members as version 2; its upcaster from 2 uppercases the tier and sets quantities to 2.</summary>
[StateVersion(3)]
public sealed class ShopStateV3
{
    [FormerName("Name")]
    public string FullName { get; set; } = "";

    public long Visits { get; set; }

    public double Score { get; set; }

    public int? Rating { get; set; }

    public AddressV2 Address { get; set; } = new();

    public ProfileV2 Profile { get; set; } = new();

    [Append]
    public IReadOnlyList<OrderV2> Orders { get; set; } = [];

    [Append]
    public IReadOnlyList<string> Log { get; set; } = [];
}

/// <summary>A version of the state that declares no version (0): older than the fixture's data.</summary>
public sealed class ShopStateUnversioned
{
    public string Name { get; set; } = "";
}

public sealed record AddressV2
{
    [FormerName("Street")]
    public string StreetLine { get; init; } = "";

    public string City { get; init; } = "";

    public string Zip { get; init; } = "n/a";
}

public sealed record ProfileV2
{
    public string DisplayName { get; init; } = "";

    public string Tier { get; init; } = "";
}

public sealed record OrderV2
{
    public long Id { get; init; }

    [FormerName("Product")]
    public string Item { get; init; } = "";

    public decimal Price { get; init; }

    public string Currency { get; init; } = "USD";

    public int Quantity { get; init; } = 1;
}

/// <summary>The graphs and upcasters of versions 2 and 3 (same node names as <see cref="ShopGraphV1"/>).</summary>
public static class ShopGraphs
{
    /// <summary>Orders the version 2 graph appends after review (past the next block boundary, 128).</summary>
    public const int MoreOrders = 50;

    public static StateMigrations V2Migrations() => new StateMigrations()
        .From(1, "Profile", profile => profile.RenameProperty("Nick", "DisplayName").SetProperty("Tier", "standard"))
        .From(1, "Orders", order => order.SetProperty("Currency", "EUR"));

    public static StateMigrations V3Migrations() => V2Migrations()
        .From(2, "Profile", profile => profile.SetProperty("Tier", profile.GetProperty("Tier")!.AsString().ToUpperInvariant()))
        .From(2, "Orders", order => order.SetProperty("Quantity", 2));

    public static CompiledGraph<ShopStateV2> V2(CheckpointSaver saver, StateMigrations? migrations = null) => new StateGraph<ShopStateV2>()
        .AddNode("intake", _ => new Update<ShopStateV2>())
        .AddNode("shop", _ => new Update<ShopStateV2>())
        .AddNode("finish", _ => new Update<ShopStateV2>())
        .AddNode("audit", _ => new Update<ShopStateV2>().Append(x => x.Log, "audit v2 (must not run: its v1 writes are saved)"))
        .AddNode("review", (s, ctx) =>
        {
            var answer = ctx.Interrupt<string>("approve?");
            return Task.FromResult(new Update<ShopStateV2>().Set(x => x.Approved, answer == "yes").Append(x => x.Log, $"review: {answer}"));
        })
        .AddNode("more", s => new Update<ShopStateV2>()
            .Append(x => x.Orders, [.. Enumerable.Range(1000, MoreOrders).Select(i => new OrderV2 { Id = i, Item = $"v2 item {i}", Price = 2m, Quantity = 3 })]))
        .AddEdge(Graph.Start, "intake")
        .AddEdge("intake", "shop")
        .AddEdge("shop", "finish")
        .AddEdge("finish", "review")
        .AddEdge("finish", "audit")
        .AddEdge("review", "more")
        .AddEdge("audit", Graph.End)
        .AddEdge("more", Graph.End)
        .Compile(saver, new CompileOptions { Migrations = migrations ?? V2Migrations() });

    public static CompiledGraph<ShopStateV3> V3(CheckpointSaver saver, StateMigrations migrations) => new StateGraph<ShopStateV3>()
        .AddNode("review", _ => new Update<ShopStateV3>())
        .AddNode("audit", _ => new Update<ShopStateV3>())
        .AddEdge(Graph.Start, "review").AddEdge(Graph.Start, "audit")
        .AddEdge("review", Graph.End).AddEdge("audit", Graph.End)
        .Compile(saver, new CompileOptions { Migrations = migrations });

    public static CompiledGraph<ShopStateUnversioned> Unversioned(CheckpointSaver saver) => new StateGraph<ShopStateUnversioned>()
        .AddNode("review", _ => new Update<ShopStateUnversioned>())
        .AddNode("audit", _ => new Update<ShopStateUnversioned>())
        .AddEdge(Graph.Start, "review").AddEdge(Graph.Start, "audit")
        .AddEdge("review", Graph.End).AddEdge("audit", Graph.End)
        .Compile(saver);
}
