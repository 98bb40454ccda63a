namespace Checkpoint.Fixtures.Generator;

/// <summary>
/// The version 1 graph: intake, then shop four times (20 orders each: 80 items, past the 64-item block),
/// then review and audit in one superstep: audit's writes are saved as pending writes while review stops
/// on a dynamic interrupt, so a fixture ends interrupted with pending writes of version 1.
/// </summary>
public static class ShopGraphV1
{
    /// <summary>Orders appended per shop step.</summary>
    public const int OrdersPerStep = 20;

    /// <summary>Shop steps before review.</summary>
    public const int ShopSteps = 4;

    /// <summary>The thread the fixtures hold.</summary>
    public const string ThreadId = "customer-1";

    /// <summary>The order with this id is appended by audit (a pending write in the fixture).</summary>
    public const int AuditOrderId = 999;

    /// <summary>The graph.</summary>
    public static StateGraph<ShopStateV1> Build() => new StateGraph<ShopStateV1>()
        .AddNode("intake", _ => new Update<ShopStateV1>()
            .Set(s => s.Name, "Ada Lovelace")
            .Set(s => s.Visits, 1)
            .Set(s => s.Score, 7)
            .Set(s => s.Rating, 4)
            .Set(s => s.Legacy, "to be removed")
            .Set(s => s.Address, new AddressV1 { Street = "12 St James's Square", City = "London" })
            .Set(s => s.Profile, new ProfileV1 { Nick = "ada" })
            .Append(s => s.Log, "intake"))
        .AddNode("shop", s => new Update<ShopStateV1>()
            .Set(x => x.Visits, s.Visits + 1)
            .Append(x => x.Orders, [.. Enumerable.Range(s.Orders.Count, OrdersPerStep).Select(Order)])
            .Append(x => x.Log, $"shop {s.Orders.Count / OrdersPerStep}"))
        .AddNode("finish", _ => new Update<ShopStateV1>().Append(x => x.Log, "finish"))
        .AddNode("audit", s => new Update<ShopStateV1>()
            .Set(x => x.Score, s.Score + 1)
            .Append(x => x.Orders, new OrderV1 { Id = AuditOrderId, Product = "audit fee", Price = 1.5m })
            .Append(x => x.Log, "audit"))
        .AddNode("review", (s, ctx) =>
        {
            var answer = ctx.Interrupt<string>($"approve {s.Orders.Count} orders?");
            return Task.FromResult(new Update<ShopStateV1>().Append(x => x.Log, $"review: {answer}"));
        })
        .AddEdge(Graph.Start, "intake")
        .AddEdge("intake", "shop")
        .AddConditionalEdges("shop", s => s.Orders.Count < OrdersPerStep * ShopSteps ? "shop" : "finish", ["shop", "finish"])
        .AddEdge("finish", "review")
        .AddEdge("finish", "audit")
        .AddEdge("review", Graph.End)
        .AddEdge("audit", Graph.End);

    /// <summary>The order at index <paramref name="index"/> as version 1 wrote it.</summary>
    public static OrderV1 Order(int index) => new() { Id = index, Product = $"book {index}", Price = 10m + (index % 7) };
}
