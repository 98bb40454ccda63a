using Checkpoint.Serialization;
using Xunit;

namespace Checkpoint.Conformance.Encryption;

/// <summary>Key rotation on each saver: blobs name their key, old keys keep decrypting, a missing key is named.</summary>
public abstract partial class EncryptedStorageTests
{
    private static readonly byte[] NewKey = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray();

    private static CheckpointSerializer Keyed(byte[] encryptionKey, params byte[][] decryptionKeys) =>
        new(new SerializerOptions { EncryptionKey = encryptionKey, DecryptionKeys = decryptionKeys });

    [Fact]
    public async Task After_rotation_old_blobs_read_with_the_old_key_kept_for_decryption_and_the_run_goes_on()
    {
        // Paused under the old key: checkpoints, chunks, a pending write and an interrupt sealed with it.
        await using (var before = Open(SecretScenario.Encrypting()))
        {
            await SecretScenario.Graph(before).InvokeAsync(new SecretState(), SecretScenario.Run("rotated"));
        }

        await using var rotated = Open(Keyed(NewKey, SecretScenario.Key));
        var graph = SecretScenario.Graph(rotated);
        var paused = (await graph.GetStateAsync(RunConfig.ForThread("rotated")))!;
        Assert.Equal(SecretScenario.InterruptValue, Assert.Single(paused.Interrupts).GetValue<string>());

        var done = await graph.InvokeAsync(Command.Resume(SecretScenario.ResumeValue), SecretScenario.Run("rotated"));
        Assert.Equal(SecretScenario.ResumeValue, done.Answer);
        Assert.Equal([SecretScenario.LogItem], done.Log);
    }

    [Fact]
    public async Task Without_the_old_key_reading_fails_naming_its_key_id_and_the_thread()
    {
        await using (var before = Open(SecretScenario.Encrypting()))
        {
            await SecretScenario.Graph(before).InvokeAsync(new SecretState(), SecretScenario.Run("orphaned"));
        }

        await using var newOnly = Open(Keyed(NewKey));
        var error = await Assert.ThrowsAsync<UnknownKeyException>(
            () => SecretScenario.Graph(newOnly).GetStateAsync(RunConfig.ForThread("orphaned")));

        var oldId = Envelope.KeyIdOf(SecretScenario.Key);
        Assert.Equal(oldId, error.KeyId);
        Assert.Equal("orphaned", error.ThreadId);
        Assert.Contains(oldId, error.Message, StringComparison.Ordinal);
        Assert.Contains(Envelope.KeyIdOf(NewKey), error.Message, StringComparison.Ordinal); // what is configured
    }

    [Fact]
    public async Task A_thread_copied_after_rotation_is_sealed_with_the_new_key_and_reads_once_the_old_key_is_dropped()
    {
        await using (var before = Open(SecretScenario.Encrypting()))
        {
            await SecretScenario.RunAsync(before, "old-thread");
        }

        await using (var rotated = Open(Keyed(NewKey, SecretScenario.Key)))
        {
            await rotated.CopyThreadAsync("old-thread", "new-thread");
        }

        await using var newOnly = Open(Keyed(NewKey));
        var copy = (await SecretScenario.Graph(newOnly).GetStateAsync(RunConfig.ForThread("new-thread")))!;
        Assert.Equal(SecretScenario.ResumeValue, copy.Values.Answer);
        Assert.Equal([SecretScenario.LogItem], copy.Values.Log);
        Assert.StartsWith(SecretScenario.Large, copy.Values.Large, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnknownKeyException>(() => SecretScenario.Graph(newOnly).GetStateAsync(RunConfig.ForThread("old-thread")));
    }
}
