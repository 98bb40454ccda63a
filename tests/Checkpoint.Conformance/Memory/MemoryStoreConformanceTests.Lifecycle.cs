using Checkpoint.Memory;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>History rows, expiry purges and lifecycle removals on every backend.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    [Fact]
    public async Task History_lists_add_update_and_delete_with_the_old_text_oldest_first_and_outlives_the_item()
    {
        await Store.PutAsync(Write("users/42/facts", "city", "Lives in Berlin.") with { SubjectId = "42" });
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.PutAsync(Write("users/42/facts", "city", "Lives in Paris.") with { SubjectId = "42" });
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await Store.DeleteAsync(Ns("users/42/facts"), "city"));

        var history = await Store.GetHistoryAsync(Ns("users/42/facts"), "city");

        Assert.Equal([MemoryChangeKind.Add, MemoryChangeKind.Update, MemoryChangeKind.Delete], history.Select(c => c.Kind));
        Assert.Equal([1L, 2L, 2L], history.Select(c => c.Version));
        Assert.Equal([null, "Lives in Berlin.", "Lives in Paris."], history.Select(c => c.OldContent));
        Assert.Equal(["Lives in Berlin.", "Lives in Paris.", null], history.Select(c => c.NewContent));
        Assert.Equal([Clock.GetUtcNow().AddMinutes(-2), Clock.GetUtcNow().AddMinutes(-1), Clock.GetUtcNow()], history.Select(c => c.At));
        Assert.All(history, change => Assert.Equal(Ns("users/42/facts"), change.Namespace));
        Assert.Empty(await Store.GetHistoryAsync(Ns("users/42/facts"), "other"));
        Assert.Empty(await Store.GetHistoryAsync(Ns("users/4/facts"), "city"));
    }

    [Fact]
    public async Task Expired_items_are_purged_with_an_expire_row_and_live_ones_stay()
    {
        await Store.PutManyAsync(
        [
            Write("a", "short", "gone soon") with { TimeToLive = TimeSpan.FromHours(1) },
            Write("a/b", "long", "gone later") with { TimeToLive = TimeSpan.FromDays(2) },
            Write("c", "forever", "stays"),
        ]);
        Clock.Advance(TimeSpan.FromHours(2));

        var purged = await Store.PurgeExpiredAsync();

        Assert.Equal(["short"], purged.Select(item => item.Key));
        Assert.Null(await Store.GetAsync(Ns("a"), "short"));
        Assert.NotNull(await Store.GetAsync(Ns("a/b"), "long"));
        Assert.NotNull(await Store.GetAsync(Ns("c"), "forever"));
        Assert.Equal(MemoryChangeKind.Expire, (await Store.GetHistoryAsync(Ns("a"), "short"))[^1].Kind);
        Assert.Empty(await Store.PurgeExpiredAsync());

        Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(["long"], (await Store.PurgeExpiredAsync()).Select(item => item.Key));
        Assert.Empty(await Store.SearchAsync(new MemorySearch { NamespacePrefix = Ns("a") }));
    }

    [Fact]
    public async Task A_kind_default_time_to_live_applies_when_a_write_sets_none()
    {
        var store = await NewStoreAsync(DefaultOptions with
        {
            TimeToLive = new Dictionary<MemoryKind, TimeSpan> { [MemoryKind.Episodic] = TimeSpan.FromDays(7) },
        });
        var episode = await store.PutAsync(Write("log", "e1", "met Ana") with { Kind = MemoryKind.Episodic });
        var fact = await store.PutAsync(Write("log", "f1", "Ana is a designer"));
        var own = await store.PutAsync(Write("log", "e2", "met Bo") with { Kind = MemoryKind.Episodic, TimeToLive = TimeSpan.FromDays(1) });

        Assert.Equal(Clock.GetUtcNow().AddDays(7), episode.ExpiresAt);
        Assert.Null(fact.ExpiresAt);
        Assert.Equal(Clock.GetUtcNow().AddDays(1), own.ExpiresAt);

        Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(["e1", "e2"], (await store.PurgeExpiredAsync()).Select(item => item.Key).Order());
        Assert.NotNull(await store.GetAsync(Ns("log"), "f1"));
    }

    [Fact]
    public async Task A_purge_spares_an_item_rewritten_since_it_expired()
    {
        await Store.PutAsync(Write("a", "k", "old") with { TimeToLive = TimeSpan.FromHours(1) });
        Clock.Advance(TimeSpan.FromHours(2));
        await Store.PutAsync(Write("a", "k", "new"));

        Assert.Empty(await Store.PurgeExpiredAsync());
        Assert.Equal("new", (await Store.GetAsync(Ns("a"), "k"))!.Content);
    }

    [Fact]
    public async Task History_rows_read_back_when_the_store_encrypts()
    {
        if (!SupportsEncryption)
        {
            return;
        }

        var key = new byte[32];
        key[0] = 7;
        var store = await NewStoreAsync(DefaultOptions with { Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key }) });
        await store.PutAsync(Write("s", "k", "secret one"));
        await store.PutAsync(Write("s", "k", "secret two"));

        var history = await store.GetHistoryAsync(Ns("s"), "k");

        Assert.Equal(["secret one", "secret two"], history.Select(c => c.NewContent));
    }
}
