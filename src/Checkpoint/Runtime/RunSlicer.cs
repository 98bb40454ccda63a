using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>The runs of a chunked list from one item on: how a compaction keeps a tail without writing it again.</summary>
internal static class RunSlicer
{
    /// <summary>
    /// The runs holding the items of <paramref name="runs"/> from index <paramref name="keepFrom"/> on:
    /// runs wholly before it are dropped, the run holding it starts there (its <see cref="BlobRun.Start"/>
    /// raised), the later ones are kept as they are.
    /// </summary>
    public static List<BlobRun> From(IReadOnlyList<BlobRun> runs, int keepFrom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepFrom);
        var kept = new List<BlobRun>(runs.Count);
        var skip = keepFrom;
        foreach (var run in runs)
        {
            if (skip >= run.Count)
            {
                skip -= run.Count;
                continue;
            }

            kept.Add(skip == 0 ? run : run with { Start = run.Start + skip });
            skip = 0;
        }

        if (skip > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keepFrom), keepFrom, $"The runs hold {runs.Sum(r => r.Count)} items.");
        }

        return kept;
    }
}
