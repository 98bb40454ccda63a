using Checkpoint.Fixtures.Generator;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>A list blob holding small chunks of two schema versions is repacked without mixing them in one block.</summary>
public sealed class SchemaRepackTests : IDisposable
{
    private const int PerStep = 3;
    private const int PerVersion = 36; // the version 1 chunks alone never reach a block boundary; with the version 2 ones they would

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Repack_never_packs_chunks_of_two_versions_into_one_block()
    {
        var run = RunConfig.ForThread("two-versions");
        await using (var saver = Saver(blockItems: 0))
        {
            await new StateGraph<ShopStateV1>()
                .AddNode("add", s => new Update<ShopStateV1>().Append(x => x.Orders, [.. Enumerable.Range(s.Orders.Count, PerStep).Select(ShopGraphV1.Order)]))
                .AddNode("more", _ => new Update<ShopStateV1>())
                .AddEdge(Graph.Start, "add")
                .AddConditionalEdges("add", s => s.Orders.Count < PerVersion ? "add" : "more", ["add", "more"])
                .AddEdge("more", Graph.End)
                .Compile(saver, new CompileOptions { InterruptBefore = ["more"] })
                .InvokeAsync(new ShopStateV1(), run);

            // Version 2 resumes the same thread: its chunks extend the same blob.
            await V2(saver).InvokeAsync(null, run);
        }

        await using (var packer = Saver(blockItems: 64))
        {
            Assert.Equal(1, await packer.RepackAsync(run.ThreadId)); // the version 2 chunks 36..66 only
        }

        await using var reader = Saver(blockItems: 64);
        var orders = (await V2(reader).GetStateAsync(run))!.Values.Orders;
        Assert.Equal(2 * PerVersion, orders.Count);
        Assert.All(orders.Take(PerVersion), order => Assert.Equal("EUR", order.Currency)); // upcast from version 1
        Assert.All(orders.Skip(PerVersion), order => Assert.Equal(("USD", 3), (order.Currency, order.Quantity))); // written by version 2, not upcast again
    }

    private static CompiledGraph<ShopStateV2> V2(SqliteCheckpointSaver saver) => new StateGraph<ShopStateV2>()
        .AddNode("add", _ => new Update<ShopStateV2>())
        .AddNode("more", s => new Update<ShopStateV2>().Append(
            x => x.Orders, [.. Enumerable.Range(s.Orders.Count, PerStep).Select(i => new OrderV2 { Id = i, Item = $"v2 {i}", Currency = "USD", Quantity = 3 })]))
        .AddEdge(Graph.Start, "add")
        .AddEdge("add", "more")
        .AddConditionalEdges("more", s => s.Orders.Count < 2 * PerVersion ? "more" : Graph.End, ["more", Graph.End])
        .Compile(saver, new CompileOptions { Migrations = ShopGraphs.V2Migrations() });

    private SqliteCheckpointSaver Saver(int blockItems) => new(_database.ConnectionString, new SqliteCheckpointSaverOptions
    {
        Serializer = new CheckpointSerializer(new SerializerOptions { BlockItems = blockItems }),
    });
}
