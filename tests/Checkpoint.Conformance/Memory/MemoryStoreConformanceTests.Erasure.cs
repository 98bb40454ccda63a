using Checkpoint.Memory;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Erasing a subject: items, vectors and history go; other subjects stay whole.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    private async Task WriteTwoSubjectsAsync(MemoryStore store)
    {
        await store.PutAsync(Write("users/ana/facts", "city", "Ana lives in Lisbon") with { SubjectId = "ana" });
        await store.PutAsync(Write("users/ana/facts", "city", "Ana lives in Porto") with { SubjectId = "ana" });
        await store.PutAsync(Write("shared/team", "ana-role", "Ana leads the python team") with { SubjectId = "ana" });
        await store.PutAsync(Write("shared/team", "bo-role", "Bo writes javascript") with { SubjectId = "bo" });
        await store.PutAsync(Write("users/bo/facts", "city", "Bo lives in Oslo") with { SubjectId = "bo" });
        await store.PutAsync(Write("shared/team", "rule", "standup at nine"));
        await store.DeleteAsync(Ns("users/bo/facts"), "city");
        await store.PutAsync(Write("users/bo/facts", "city", "Bo lives in Bergen") with { SubjectId = "bo" });
    }

    [Fact]
    public async Task Erasing_a_subject_removes_its_items_and_history_and_leaves_other_subjects_whole()
    {
        await WriteTwoSubjectsAsync(Store);

        var receipt = await Store.EraseSubjectAsync("ana");

        Assert.Equal(("ana", 2, 3), (receipt.SubjectId, receipt.Items, receipt.HistoryRows));
        Assert.Null(await Store.GetAsync(Ns("users/ana/facts"), "city"));
        Assert.Null(await Store.GetAsync(Ns("shared/team"), "ana-role"));
        Assert.Empty(await Store.GetHistoryAsync(Ns("users/ana/facts"), "city"));
        Assert.Empty(await Store.GetHistoryAsync(Ns("shared/team"), "ana-role"));
        Assert.DoesNotContain(
            await Store.SearchAsync(new MemorySearch { NamespacePrefix = Ns("shared"), Query = "python team lead" }),
            hit => hit.Item.SubjectId == "ana");
        Assert.Empty(await Store.SearchAsync(new MemorySearch { NamespacePrefix = Ns("users/ana") }));

        Assert.Equal("Bo writes javascript", (await Store.GetAsync(Ns("shared/team"), "bo-role"))!.Content);
        Assert.Equal("Bo lives in Bergen", (await Store.GetAsync(Ns("users/bo/facts"), "city"))!.Content);
        Assert.NotNull(await Store.GetAsync(Ns("shared/team"), "rule"));
        Assert.Equal(
            [MemoryChangeKind.Add, MemoryChangeKind.Delete, MemoryChangeKind.Add],
            (await Store.GetHistoryAsync(Ns("users/bo/facts"), "city")).Select(change => change.Kind));

        var again = await Store.EraseSubjectAsync("ana");
        Assert.Equal((0, 0), (again.Items, again.HistoryRows));
    }

    [Fact]
    public async Task An_encrypted_store_finds_a_subject_without_keeping_its_id_in_plaintext()
    {
        if (!SupportsEncryption)
        {
            return;
        }

        var key = new byte[32];
        key[1] = 9;
        var store = await NewStoreAsync(DefaultOptions with { Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key }) });
        await WriteTwoSubjectsAsync(store);

        var receipt = await store.EraseSubjectAsync("ana");

        Assert.Equal((2, 3), (receipt.Items, receipt.HistoryRows));
        Assert.Null(await store.GetAsync(Ns("shared/team"), "ana-role"));
        Assert.Equal("bo", (await store.GetAsync(Ns("shared/team"), "bo-role"))!.SubjectId);
        Assert.Equal("bo", (await store.GetHistoryAsync(Ns("users/bo/facts"), "city"))[0].SubjectId);
    }

    [Fact]
    public async Task Erasing_needs_a_subject_id()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.EraseSubjectAsync(""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.EraseSubjectAsync(null!));
    }
}
