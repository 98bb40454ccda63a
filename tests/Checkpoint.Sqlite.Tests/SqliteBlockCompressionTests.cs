using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.Engine.BlockGraphs;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Changing <see cref="SerializerOptions.BlockCompression"/> on a file that has blocks: each blob names its codec.</summary>
public sealed class SqliteBlockCompressionTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task A_thread_packed_with_deflate_goes_on_with_lz4_blocks_and_reads_identical_through_either_saver()
    {
        await using var deflate = Saver(BlockCompression.Deflate);
        await using var lz4 = Saver(BlockCompression.Lz4);
        await using var plain = Saver(BlockCompression.Deflate, blockItems: 0);
        await RunToAsync(deflate, "mixed", 20);
        await RunToAsync(lz4, "mixed", 45);
        await RunToAsync(plain, "plain", 20);
        await RunToAsync(plain, "plain", 45);

        var expected = (await HistoryAsync(plain, "plain")).Select(h => h.Text).ToList();
        foreach (var reader in new[] { deflate, lz4 })
        {
            var history = await HistoryAsync(reader, "mixed");
            Assert.Equal(expected, history.Select(h => h.Text));
            Assert.Equal(expected, await ByIdAsync(reader, history.Select(h => h.Id)));
        }

        var codecs = await ItemCodecsAsync(lz4, "mixed");
        Assert.Contains(EnvelopeCodecs.Deflate, codecs);
        Assert.Contains(EnvelopeCodecs.Lz4, codecs);
    }

    public void Dispose() => _database.Dispose();

    private SqliteCheckpointSaver Saver(BlockCompression compression, int blockItems = 16) =>
        new(_database.ConnectionString, new SqliteCheckpointSaverOptions
        {
            Serializer = new CheckpointSerializer(new SerializerOptions { BlockItems = blockItems, BlockCompression = compression }),
        });
}
