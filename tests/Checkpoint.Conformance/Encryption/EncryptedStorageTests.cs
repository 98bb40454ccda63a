using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Encryption;

/// <summary>
/// What an encryption key on a saver must guarantee, checked against the saver's raw storage: no
/// byte of user data in plaintext, blobs bound to their place, plaintext refused unless migrating.
/// Each saver's test class supplies the storage.
/// </summary>
public abstract partial class EncryptedStorageTests
{
    /// <summary>A saver over this test's storage: every call in one test sees the same data.</summary>
    protected abstract CheckpointSaver Open(CheckpointSerializer serializer);

    /// <summary>Every byte this test's storage holds, as it holds them (file pages, rows, keys).</summary>
    protected abstract Task<IReadOnlyList<byte[]>> RawBytesAsync();

    [Fact]
    public async Task With_the_key_on_the_saver_no_user_data_is_stored_in_plaintext()
    {
        Assert.Empty(await RunAndScanAsync(SecretScenario.Encrypting()));
    }

    [Fact]
    public async Task Without_a_key_the_scan_finds_every_marker()
    {
        Assert.Equal(SecretScenario.Markers, await RunAndScanAsync(CheckpointSerializer.Default));
    }

    [Fact]
    public async Task Metadata_filters_still_match_exact_values_with_encryption()
    {
        await using var saver = Open(SecretScenario.Encrypting());
        await SecretScenario.RunAsync(saver, "filtered");

        var matching = new CheckpointFilter
        {
            ThreadId = "filtered",
            Metadata = new Dictionary<string, string> { ["owner"] = SecretScenario.MetadataValue },
        };
        Assert.Equal(2, await CountAsync(saver, "filtered")); // the input's and the resumed step's, both run with the metadata
        Assert.Equal(2, await CountAsync(saver, matching));
        Assert.Equal(0, await CountAsync(saver, matching with { Metadata = new Dictionary<string, string> { ["owner"] = "someone else" } }));
    }

    /// <summary>The markers found in raw storage while the run is paused and after it ended (deleted writes may be overwritten).</summary>
    private async Task<List<string>> RunAndScanAsync(CheckpointSerializer serializer)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        await using (var saver = Open(serializer))
        {
            await SecretScenario.RunAsync(saver, "scanned", async () => found.UnionWith(SecretScenario.FindMarkers(await RawBytesAsync())));
        }

        found.UnionWith(SecretScenario.FindMarkers(await RawBytesAsync()));
        return SecretScenario.Markers.Where(found.Contains).ToList();
    }

    [Fact]
    public async Task A_copied_thread_is_re_encrypted_for_its_new_place_and_reads_back()
    {
        await using var saver = Open(SecretScenario.Encrypting());
        var graph = SecretScenario.Graph(saver);
        await graph.InvokeAsync(new SecretState(), SecretScenario.Run("source")); // paused: a pending write and an interrupt

        await saver.CopyThreadAsync("source", "copy");

        var copy = (await graph.GetStateAsync(RunConfig.ForThread("copy")))!;
        Assert.Equal(SecretScenario.InterruptValue, Assert.Single(copy.Interrupts).GetValue<string>());
        Assert.Equal(SecretScenario.MetadataValue, copy.Metadata["owner"]);
        Assert.Equal(await CountAsync(saver, "source"), await CountAsync(saver, "copy"));

        var done = await graph.InvokeAsync(Command.Resume(SecretScenario.ResumeValue), SecretScenario.Run("source"));
        await saver.CopyThreadAsync("source", "finished-copy");
        var finished = (await graph.GetStateAsync(RunConfig.ForThread("finished-copy")))!.Values;
        Assert.Equal([SecretScenario.LogItem], finished.Log);
        Assert.Equal(done.Large, finished.Large);
        Assert.Equal(SecretScenario.ResumeValue, finished.Answer);
    }

    [Fact]
    public async Task Chunks_and_writes_moved_to_another_thread_do_not_decrypt()
    {
        await using var saver = Open(SecretScenario.Encrypting());
        var graph = SecretScenario.Graph(saver);
        await graph.InvokeAsync(new SecretState(), SecretScenario.Run("victim"));
        var paused = (await saver.GetAsync("victim", "", null))!;

        // What someone who can write to the store could do: reference another thread's bytes.
        var runs = paused.Checkpoint.Channels.Values.SelectMany(c => c.Runs).ToList();
        var chunks = await saver.ReadChunksAsync("victim", "", runs);
        var moved = paused.Checkpoint with { Id = CheckpointIds.NewId(), ThreadId = "attacker", ParentId = null };
        await saver.PutAsync(moved, chunks, PutMode.Branch);
        await saver.PutWritesAsync("attacker", "", moved.Id, paused.PendingWrites);

        var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => graph.GetStateAsync(RunConfig.ForThread("attacker")));
        Assert.Equal("attacker", error.ThreadId);
        Assert.Contains("decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plaintext_data_is_refused_with_a_key_read_in_migration_mode_and_migrated_by_copy()
    {
        await using (var plain = Open(CheckpointSerializer.Default))
        {
            await SecretScenario.RunAsync(plain, "legacy");
        }

        await using (var keyed = Open(SecretScenario.Encrypting()))
        {
            var refused = await Assert.ThrowsAsync<CorruptCheckpointException>(
                () => SecretScenario.Graph(keyed).GetStateAsync(RunConfig.ForThread("legacy")));
            Assert.Contains(nameof(SerializerOptions.ReadLegacyBlobs), refused.Message, StringComparison.Ordinal);
        }

        await using (var migrating = Open(SecretScenario.Encrypting(readLegacyBlobs: true)))
        {
            var legacy = await SecretScenario.Graph(migrating).GetStateAsync(RunConfig.ForThread("legacy"));
            Assert.Equal(SecretScenario.ResumeValue, legacy!.Values.Answer);
            await migrating.CopyThreadAsync("legacy", "migrated");
        }

        await using var strict = Open(SecretScenario.Encrypting());
        var migrated = await SecretScenario.Graph(strict).GetStateAsync(RunConfig.ForThread("migrated"));
        Assert.Equal(SecretScenario.ResumeValue, migrated!.Values.Answer);
        Assert.Equal([SecretScenario.LogItem], migrated.Values.Log);
    }

    private static Task<int> CountAsync(CheckpointSaver saver, string threadId) =>
        CountAsync(saver, new CheckpointFilter { ThreadId = threadId });

    private static async Task<int> CountAsync(CheckpointSaver saver, CheckpointFilter filter)
    {
        var count = 0;
        await foreach (var _ in saver.ListAsync(filter))
        {
            count++;
        }

        return count;
    }
}
