using Checkpoint.Conformance;
using Checkpoint.Conformance.Encryption;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Engine;

/// <summary>Runs on an encrypting in-memory saver: the key set once, on the saver, covers everything the graph stores.</summary>
public sealed class EncryptedRunTests
{
    [Fact]
    public async Task Interrupt_values_resume_values_errors_and_state_read_back_with_the_key_on_the_saver()
    {
        var saver = new InMemoryCheckpointSaver(SecretScenario.Encrypting());

        var done = await SecretScenario.RunAsync(saver, "enc"); // asserts Interrupt.GetValue and the stored error

        Assert.Equal(SecretScenario.ResumeValue, done.Answer);
        var stored = (await SecretScenario.Graph(saver).GetStateAsync(RunConfig.ForThread("enc")))!.Values;
        Assert.Equal(done.Log, stored.Log);
        Assert.Equal(done.Large, stored.Large);
        Assert.Equal(done.Small, stored.Small);
    }

    [Fact]
    public async Task Every_chunk_and_write_the_graph_stores_is_encrypted_and_bound_to_its_place()
    {
        var inner = new InMemoryCheckpointSaver(SecretScenario.Encrypting());
        var recording = new RecordingSaver(inner);

        await SecretScenario.RunAsync(recording, "bound");

        Assert.NotEmpty(recording.Blobs);
        Assert.All(recording.Blobs, blob => Assert.Equal(Envelope.EncryptedFormatVersion, blob[2]));
        Assert.Empty(SecretScenario.FindMarkers(recording.Blobs));
    }

    /// <summary>Records the chunk and write bytes the graph hands to the saver.</summary>
    private sealed class RecordingSaver(CheckpointSaver inner) : DelegatingSaver(inner)
    {
        public List<byte[]> Blobs { get; } = [];

        protected override Task PutCoreAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken)
        {
            lock (Blobs)
            {
                Blobs.AddRange(newChunks.Select(c => c.Data));
            }

            return base.PutCoreAsync(checkpoint, newChunks, mode, cancellationToken);
        }

        protected override Task PutWritesCoreAsync(
            string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
        {
            lock (Blobs)
            {
                Blobs.AddRange(writes.Where(w => w.Value.Length > 0).Select(w => w.Value));
            }

            return base.PutWritesCoreAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken);
        }
    }
}
