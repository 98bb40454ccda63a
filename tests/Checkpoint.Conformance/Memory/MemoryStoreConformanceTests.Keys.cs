using Checkpoint.Memory;
using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Key rotation: rows written under an older key stay found by subject, and are re-encrypted in place.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    /// <summary>The first key of the rotation tests.</summary>
    protected static readonly byte[] KeyA = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>The key that replaces <see cref="KeyA"/>.</summary>
    protected static readonly byte[] KeyB = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    /// <summary>
    /// The rows the storage of <see cref="Store"/> holds, read with the database's own client (not through a store): items,
    /// and history rows of items (erasure markers left out). Null for a backend without shared storage (in memory).
    /// </summary>
    protected virtual Task<(long Items, long HistoryRows)?> CountStoredRowsAsync() => Task.FromResult<(long, long)?>(null);

    /// <summary>Options encrypting with <paramref name="key"/>, decrypting also with <paramref name="older"/>.</summary>
    protected MemoryStoreOptions Encrypted(byte[] key, params byte[][] older) =>
        DefaultOptions with { Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key, DecryptionKeys = older }) };

    [Fact]
    public async Task Erasing_after_a_key_switch_removes_the_rows_written_under_the_old_key()
    {
        if (!SupportsEncryption || await SharedStoreAsync(Encrypted(KeyA)) is not { } underA)
        {
            return; // needs storage that outlives a store: a key switch is a new store over the same data
        }

        await underA.PutAsync(Write("users/alice/facts", "city", "Alice lives in Lisbon") with { SubjectId = "alice" });
        await underA.PutAsync(Write("users/alice/facts", "city", "Alice lives in Porto") with { SubjectId = "alice" });
        await underA.PutAsync(Write("shared/team", "alice-role", "Alice leads the python team") with { SubjectId = "alice" });
        await underA.PutAsync(Write("shared/team", "bob-role", "Bob writes javascript") with { SubjectId = "bob" });

        var underB = (await SharedStoreAsync(Encrypted(KeyB, KeyA)))!;
        await underB.PutAsync(Write("users/alice/prefs", "food", "Alice likes fish") with { SubjectId = "alice" });
        await underB.PutAsync(Write("users/alice/facts", "city", "Alice lives in Faro") with { SubjectId = "alice" });
        var before = (await CountStoredRowsAsync())!.Value;

        var receipt = await underB.EraseSubjectAsync("alice");

        // city (3 changes, two under A), alice-role (under A only), food (under B only).
        Assert.Equal((3, 5), (receipt.Items, receipt.HistoryRows));
        Assert.Equal((before.Items - 3, before.HistoryRows - 5), (await CountStoredRowsAsync())!.Value);
        Assert.Equal((4L, 6L), before);
        foreach (var (path, key) in new[] { ("users/alice/facts", "city"), ("shared/team", "alice-role"), ("users/alice/prefs", "food") })
        {
            Assert.Null(await underB.GetAsync(Ns(path), key));
            Assert.Empty(await underB.GetHistoryAsync(Ns(path), key));
        }

        Assert.Equal("Bob writes javascript", (await underB.GetAsync(Ns("shared/team"), "bob-role"))!.Content);
        Assert.Equal("bob", Assert.Single(await underB.GetHistoryAsync(Ns("shared/team"), "bob-role")).SubjectId);
        Assert.Equal((0, 0), ((await underB.EraseSubjectAsync("alice")).Items, (await underB.EraseSubjectAsync("alice")).HistoryRows));
    }
}
