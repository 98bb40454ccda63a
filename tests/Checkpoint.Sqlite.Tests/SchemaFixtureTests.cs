using Checkpoint.Fixtures.Generator;
using Checkpoint.Schema;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// The committed version 1 fixtures (tests/fixtures, written by Checkpoint.Fixtures.Generator) read, resumed and
/// refused by later versions of the state type. Each test works on its own copy of a fixture.
/// </summary>
public sealed class SchemaFixtureTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private static readonly RunConfig Run = RunConfig.ForThread(ShopGraphV1.ThreadId);
    private static readonly int StoredOrders = ShopGraphV1.OrdersPerStep * ShopGraphV1.ShopSteps;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Version_1_fixture_loads_as_version_2_with_renamed_added_removed_and_widened_properties()
    {
        await using var saver = CopyFixture("schema-v1.db");

        var snapshot = await ShopGraphs.V2(saver).GetStateAsync(Run);

        AssertVersion1Values(snapshot!.Values, stored: StoredOrders);
        Assert.Equal(["audit", "review"], snapshot.Next.Order(StringComparer.Ordinal));
        Assert.Equal("review", Assert.Single(snapshot.Interrupts).Node);
    }

    [Fact]
    public async Task Encrypted_version_1_fixture_loads_as_version_2_with_its_key()
    {
        await using var saver = CopyFixture("schema-v1-encrypted.db", new CheckpointSerializer(new SerializerOptions { EncryptionKey = FixtureKeys.Key }));

        var snapshot = await ShopGraphs.V2(saver).GetStateAsync(Run);

        AssertVersion1Values(snapshot!.Values, stored: StoredOrders);
    }

    [Fact]
    public async Task Resuming_the_version_1_interrupt_under_version_2_applies_the_saved_version_1_writes_and_appends_to_the_old_list()
    {
        await using (var saver = CopyFixture("schema-v1.db"))
        {
            var result = await ShopGraphs.V2(saver).RunAsync(Command.Resume("yes"), Run);

            Assert.False(result.IsInterrupted);
        }

        // A fresh saver: every value read from storage, the list's blob now holding items of both versions.
        await using var reopened = new SqliteCheckpointSaver(_database.ConnectionString);
        var state = (await ShopGraphs.V2(reopened).GetStateAsync(Run))!.Values;
        AssertResumed(state);

        // The blob now holds chunks of both versions (and blocks): it reads the same after a repack (SchemaRepackTests packs such chunks).
        await reopened.RepackAsync(ShopGraphV1.ThreadId);
        await using var repacked = new SqliteCheckpointSaver(_database.ConnectionString);
        AssertResumed((await ShopGraphs.V2(repacked).GetStateAsync(Run))!.Values);
    }

    [Fact]
    public async Task Chained_upcasters_bring_version_1_through_2_to_3()
    {
        await using var saver = CopyFixture("schema-v1.db");

        var state = (await ShopGraphs.V3(saver, ShopGraphs.V3Migrations()).GetStateAsync(Run))!.Values;

        Assert.Equal(new ProfileV2 { DisplayName = "ada", Tier = "STANDARD" }, state.Profile);
        Assert.All(state.Orders, order => Assert.Equal((2, "EUR"), (order.Quantity, order.Currency)));
        Assert.Equal("Ada Lovelace", state.FullName);
    }

    [Fact]
    public async Task A_checkpoint_newer_than_the_code_is_refused_naming_the_type_channel_and_both_versions()
    {
        await using var saver = CopyFixture("schema-v1.db");

        var error = await Assert.ThrowsAsync<StateVersionException>(() => ShopGraphs.Unversioned(saver).GetStateAsync(Run));

        Assert.Equal(("Name", (ushort)1, (ushort)0, typeof(ShopStateUnversioned)), (error.Channel, error.StoredVersion, error.CodeVersion, error.StateType));
        Assert.Contains("ShopStateUnversioned.Name stored at schema version 1, code version 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer version", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IncompatibleCheckpointException>(error);
    }

    [Fact]
    public async Task A_missing_upcaster_step_names_the_channel_and_the_versions()
    {
        await using var saver = CopyFixture("schema-v1.db");

        var error = await Assert.ThrowsAsync<StateVersionException>(() => ShopGraphs.V3(saver, ShopGraphs.V2Migrations()).GetStateAsync(Run));

        Assert.Equal(((ushort)1, (ushort)3), (error.StoredVersion, error.CodeVersion));
        Assert.NotNull(error.Channel);
        Assert.Contains($"ShopStateV3.{error.Channel} stored at schema version 1, code version 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("no upcaster step from version 2 to 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upcast_value_that_cannot_be_bound_names_the_channel_and_the_versions()
    {
        await using var saver = CopyFixture("schema-v1.db");
        var wrong = new StateMigrations()
            .From(1, "Profile", profile => profile.SetProperty("DisplayName", 42)) // a number where the type has a string
            .From(1, "Orders", order => order);

        var error = await Assert.ThrowsAsync<StateVersionException>(() => ShopGraphs.V2(saver, wrong).GetStateAsync(Run));

        Assert.Equal(("Profile", (ushort)1, (ushort)2), (error.Channel, error.StoredVersion, error.CodeVersion));
        Assert.Contains("after the upcasters from version 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_upcaster_names_the_channel_and_the_step()
    {
        await using var saver = CopyFixture("schema-v1.db");
        var failing = new StateMigrations()
            .From(1, "Profile", profile => profile.GetProperty("NoSuchKey")!.AsString()) // null: the key is not stored
            .From(1, "Orders", order => order);

        var error = await Assert.ThrowsAsync<StateVersionException>(() => ShopGraphs.V2(saver, failing).GetStateAsync(Run));

        Assert.Equal("Profile", error.Channel);
        Assert.Contains("the upcaster from version 1 to 2 failed", error.Message, StringComparison.Ordinal);
    }

    private static void AssertVersion1Values(ShopStateV2 state, int stored)
    {
        Assert.Equal("Ada Lovelace", state.FullName);                     // channel renamed: [FormerName("Name")]
        Assert.Equal(1 + ShopGraphV1.ShopSteps, state.Visits);            // int → long
        Assert.Equal(7.0, state.Score);                                    // int → double
        Assert.Equal(4, state.Rating);                                     // int → int?
        Assert.Equal(new AddressV2 { StreetLine = "12 St James's Square", City = "London", Zip = "n/a" }, state.Address); // key renamed, key added
        Assert.Equal(new ProfileV2 { DisplayName = "ada", Tier = "standard" }, state.Profile); // upcaster
        Assert.False(state.Approved);                                      // added: its default
        Assert.Equal("retail", state.Segment);                             // added: its initializer
        Assert.Equal(stored, state.Orders.Count);                          // a 64-item block and a tail of chunks
        for (var i = 0; i < stored; i++)
        {
            var v1 = ShopGraphV1.Order(i);
            Assert.Equal(new OrderV2 { Id = v1.Id, Item = v1.Product, Price = v1.Price, Currency = "EUR", Quantity = 1 }, state.Orders[i]);
        }

        Assert.Equal(["intake", "shop 0", "shop 1", "shop 2", "shop 3", "finish"], state.Log);
    }

    private static void AssertResumed(ShopStateV2 state)
    {
        Assert.True(state.Approved);
        Assert.Equal(8.0, state.Score); // audit's version 1 pending write (7 + 1), not re-run
        Assert.Equal(StoredOrders + 1 + ShopGraphs.MoreOrders, state.Orders.Count);
        Assert.Contains(new OrderV2 { Id = ShopGraphV1.AuditOrderId, Item = "audit fee", Price = 1.5m, Currency = "EUR" }, state.Orders);
        Assert.Equal(new OrderV2 { Id = 1000 + ShopGraphs.MoreOrders - 1, Item = $"v2 item {1000 + ShopGraphs.MoreOrders - 1}", Price = 2m, Quantity = 3 }, state.Orders[^1]);
        Assert.Equal(ShopGraphV1.Order(0) is var first ? new OrderV2 { Id = first.Id, Item = first.Product, Price = first.Price, Currency = "EUR" } : null, state.Orders[0]);
        Assert.Contains("audit", state.Log);
        Assert.Contains("review: yes", state.Log);
        Assert.DoesNotContain(state.Log, line => line.StartsWith("audit v2", StringComparison.Ordinal));
        Assert.Equal("Ada Lovelace", state.FullName);
    }

    private SqliteCheckpointSaver CopyFixture(string name, CheckpointSerializer? serializer = null)
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", name), _database.Path);
        return new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer });
    }
}
