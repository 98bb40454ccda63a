using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public void Property_random_records_round_trip_through_put_and_get()
    {
        var thread = NewThread();
        Prop.ForAll(ConformanceGenerators.Records(thread).ToArbitrary(), record =>
        {
            Task.Run(async () =>
            {
                await Saver.PutAsync(record, [], PutMode.Branch);
                AssertSameRecord(record, (await Saver.GetAsync(thread, record.Namespace, record.Id))!.Checkpoint);
                AssertSameRecord(record, (await Saver.GetByIdAsync(record.Id))!.Checkpoint);
            }).GetAwaiter().GetResult();
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task Property_random_chunk_sets_read_back_below_any_end()
    {
        var samples = Gen.Zip(Gen.ListOf(Gen.Choose(0, 40)), Gen.Choose(0, 45)).Sample(20, 25);
        foreach (var (sequences, end) in samples)
        {
            var thread = NewThread();
            var blob = Guid.NewGuid();
            var distinct = sequences.Distinct().ToList();
            var chunks = distinct.Select(s => Chunk(blob, s, $"item-{s}")).ToArray();
            await PutAsync(Record(thread, channels: Map("l", Chunked(1, new BlobRun(blob, end)))), PutMode.Continue, chunks);

            var read = await Saver.ReadChunksAsync(thread, "", [new BlobRun(blob, end)]);

            Assert.Equal(distinct.Where(s => s < end).Order(), read.Select(c => c.Sequence));
            Assert.Equal(distinct.Where(s => s < end).Order().Select(s => $"item-{s}"), Items(read));
        }
    }
}
