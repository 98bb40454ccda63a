using Checkpoint.Fixtures.Generator;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Any version 1 value, written and read as version 2 through its upcasters, is the expected mapping.</summary>
public sealed class SchemaUpcastPropertyTests
{
    [Property(MaxTest = 60)]
    public void Version_1_values_read_as_version_2_map_as_declared(
        NonEmptyString name, NonZeroInt visits, NonZeroInt score, NonZeroInt rating, NonEmptyString street, NonEmptyString nick,
        (NonNegativeInt Id, NonEmptyString Product, decimal Price)[] orders)
    {
        var saver = new InMemoryCheckpointSaver();
        var run = RunConfig.ForThread("property");
        var v1 = new ShopStateV1
        {
            Name = name.Get,
            Visits = visits.Get,
            Score = score.Get,
            Rating = rating.Get,
            Address = new AddressV1 { Street = street.Get },
            Profile = new ProfileV1 { Nick = nick.Get },
            Orders = [.. (orders ?? []).Select(o => new OrderV1 { Id = o.Id.Get, Product = o.Product.Get, Price = o.Price })],
        };
        new StateGraph<ShopStateV1>().AddNode("noop", _ => new Update<ShopStateV1>())
            .AddEdge(Graph.Start, "noop").AddEdge("noop", Graph.End)
            .Compile(saver).InvokeAsync(v1, run).GetAwaiter().GetResult();

        var v2 = new StateGraph<ShopStateV2>().AddNode("noop", _ => new Update<ShopStateV2>())
            .AddEdge(Graph.Start, "noop").AddEdge("noop", Graph.End)
            .Compile(saver, new CompileOptions { Migrations = ShopGraphs.V2Migrations() })
            .GetStateAsync(run).GetAwaiter().GetResult()!.Values;

        Assert.Equal(
            (name.Get, (long)visits.Get, (double)score.Get, (int?)rating.Get),
            (v2.FullName, v2.Visits, v2.Score, v2.Rating));
        Assert.Equal(new AddressV2 { StreetLine = street.Get }, v2.Address);
        Assert.Equal(new ProfileV2 { DisplayName = nick.Get, Tier = "standard" }, v2.Profile);
        Assert.Equal(v1.Orders.Select(o => new OrderV2 { Id = o.Id, Item = o.Product, Price = o.Price, Currency = "EUR" }), v2.Orders);
    }
}
