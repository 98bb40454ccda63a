using Checkpoint.Runtime;
using Checkpoint.Storage;

namespace Checkpoint.Tests.Compaction;

public sealed class RunSlicerTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();
    private static readonly Guid C = Guid.NewGuid();

    [Fact]
    public void Slicing_drops_whole_runs_before_the_index_and_raises_the_start_of_the_run_holding_it()
    {
        BlobRun[] runs = [new(A, 5), new(B, 7) { Start = 2 }, new(C, 3)]; // 5 + 5 + 3 items
        Assert.Equal(runs, RunSlicer.From(runs, 0));
        Assert.Equal([new BlobRun(A, 5) { Start = 4 }, runs[1], runs[2]], RunSlicer.From(runs, 4));
        Assert.Equal([runs[1], runs[2]], RunSlicer.From(runs, 5));
        Assert.Equal([new BlobRun(B, 7) { Start = 5 }, runs[2]], RunSlicer.From(runs, 8));
        Assert.Equal([new BlobRun(C, 3) { Start = 2 }], RunSlicer.From(runs, 12));
        Assert.Empty(RunSlicer.From(runs, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => RunSlicer.From(runs, 14));
    }

    [Fact]
    public void A_slice_holds_the_items_from_the_index_on()
    {
        BlobRun[] runs = [new(A, 5), new(B, 7) { Start = 2 }, new(C, 3)];
        for (var keepFrom = 0; keepFrom <= 13; keepFrom++)
        {
            Assert.Equal(13 - keepFrom, RunSlicer.From(runs, keepFrom).Sum(r => r.Count));
        }
    }
}
