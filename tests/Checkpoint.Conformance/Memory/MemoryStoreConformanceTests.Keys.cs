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

    // Several namespaces and subjects, updates and a delete (history under A), vectors from the concept generator.
    private static async Task WriteRotationDataAsync(MemoryStore store)
    {
        await store.PutAsync(Write("users/alice/facts", "city", "Alice lives in Lisbon") with { SubjectId = "alice" });
        await store.PutAsync(Write("users/alice/facts", "city", "Alice lives in Porto") with { SubjectId = "alice" });
        await store.PutAsync(Write("users/alice/facts", "lang", "Alice prefers Python over JavaScript") with { SubjectId = "alice" });
        await store.PutAsync(Write("users/bob/facts", "lang", "Bob writes JavaScript every day") with { SubjectId = "bob" });
        await store.PutAsync(Write("users/bob/facts", "pet", "Bob has a cat") with { SubjectId = "bob" });
        await store.DeleteAsync(Ns("users/bob/facts"), "pet");
        await store.PutAsync(Write("shared/team", "rule", "standup at nine, ticket TK-4521 first"));
    }

    private static readonly (string Path, string Key)[] RotationKeys =
        [("users/alice/facts", "city"), ("users/alice/facts", "lang"), ("users/bob/facts", "lang"), ("users/bob/facts", "pet"), ("shared/team", "rule")];

    // What a reader sees: every item, every history, and searches by vector and by keyword.
    private static async Task<List<string>> ReadEverythingAsync(MemoryStore store)
    {
        var seen = new List<string>();
        foreach (var (path, key) in RotationKeys)
        {
            var item = await store.GetAsync(Ns(path), key);
            seen.Add(item is null ? $"{path}:{key} none" : $"{path}:{key} {item.Content} {item.SubjectId} v{item.Version}");
            seen.AddRange((await store.GetHistoryAsync(Ns(path), key)).Select(change =>
                $"  {change.Kind} v{change.Version} {change.OldContent} -> {change.NewContent} {change.SubjectId}"));
        }

        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword })
        {
            foreach (var (prefix, query) in new[] { ("users", "python javascript programming"), ("shared", "TK-4521"), ("users", "where does alice live") })
            {
                var hits = await store.SearchAsync(new MemorySearch { NamespacePrefix = Ns(prefix), Query = query, Mode = mode });
                seen.Add($"{mode} {query}: {string.Join(", ", hits.Select(hit => $"{hit.Item.Namespace}:{hit.Item.Key}"))}");
            }
        }

        return seen;
    }

    [Fact]
    public async Task Reencrypting_after_a_key_switch_leaves_everything_readable_with_the_new_key_alone()
    {
        if (!SupportsEncryption || await SharedStoreAsync(Encrypted(KeyA)) is not { } underA)
        {
            return;
        }

        await WriteRotationDataAsync(underA);
        var expected = await ReadEverythingAsync(underA);
        Assert.All(expected.Where(line => line.StartsWith("Vector", StringComparison.Ordinal) || line.StartsWith("Keyword", StringComparison.Ordinal)),
            line => Assert.False(line.EndsWith(": ", StringComparison.Ordinal), line)); // every search finds something to compare
        var latest = await underA.GetLatestChangeIdAsync();
        var rows = (await CountStoredRowsAsync())!.Value;
        Assert.Equal((4L, 7L), rows);

        var rotated = (await SharedStoreAsync(Encrypted(KeyB, KeyA)))!;
        var summary = await rotated.ReencryptAsync();
        var again = await rotated.ReencryptAsync();

        Assert.Equal(new MemoryReencryptSummary(4, 7, 11, 11, 0, 0), summary);
        Assert.Equal(new MemoryReencryptSummary(4, 7, 11, 0, 11, 0), again);
        var onlyB = (await SharedStoreAsync(Encrypted(KeyB)))!;
        Assert.Equal(expected, await ReadEverythingAsync(onlyB));
        Assert.Equal(latest, await onlyB.GetLatestChangeIdAsync()); // no feed event: nothing changed for readers
        await Assert.ThrowsAsync<UnknownKeyException>(async () => await (await SharedStoreAsync(Encrypted(KeyA)))!.GetAsync(Ns("shared/team"), "rule"));

        var receipt = await onlyB.EraseSubjectAsync("alice");
        Assert.Equal((2, 3), (receipt.Items, receipt.HistoryRows));
        Assert.Equal((rows.Items - 2, rows.HistoryRows - 3), (await CountStoredRowsAsync())!.Value);
        Assert.Equal("Bob writes JavaScript every day", (await onlyB.GetAsync(Ns("users/bob/facts"), "lang"))!.Content);
    }

    [Fact]
    public async Task A_cancelled_reencryption_finishes_when_run_again()
    {
        if (!SupportsEncryption || await SharedStoreAsync(Encrypted(KeyA)) is not { } underA)
        {
            return;
        }

        await WriteRotationDataAsync(underA);
        var expected = await ReadEverythingAsync(underA);
        var rotated = (await SharedStoreAsync(Encrypted(KeyB, KeyA)))!;
        using var cancellation = new CancellationTokenSource();
        MemoryReencryptSummary? first = null;
        var cancelFirst = new CallbackProgress<MemoryReencryptSummary>(counts =>
        {
            first ??= counts;
            cancellation.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotated.ReencryptAsync(cancelFirst, cancellation.Token));
        var rest = await rotated.ReencryptAsync();

        // The first page (the items) was swapped before the cancellation; the second run skips it and does the history.
        Assert.Equal(new MemoryReencryptSummary(4, 0, 4, 4, 0, 0), first);
        Assert.Equal(new MemoryReencryptSummary(4, 7, 11, 7, 4, 0), rest);
        Assert.Equal(expected, await ReadEverythingAsync((await SharedStoreAsync(Encrypted(KeyB)))!));
    }

    [Fact]
    public async Task Reencrypting_rows_already_under_the_current_key_rewrites_nothing()
    {
        if (!SupportsEncryption)
        {
            return;
        }

        var store = await NewStoreAsync(Encrypted(KeyA));
        await WriteRotationDataAsync(store);

        Assert.Equal(new MemoryReencryptSummary(4, 7, 11, 0, 11, 0), await store.ReencryptAsync());
    }

    [Fact]
    public async Task Reencrypting_needs_an_encryption_key() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.ReencryptAsync());

    /// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (<see cref="Progress{T}"/> posts later).</summary>
    private sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
