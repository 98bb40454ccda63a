using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>Thread summaries: each thread's latest checkpoint at a glance, filtered by metadata, time and interrupts.</summary>
public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task ListThreadSummariesAsync_shows_each_threads_latest_checkpoint_and_filters_it()
    {
        var prefix = NewThread();
        var team = await PutChainAsync(prefix + "-a", 3, metadata: i => Map("team", i == 2 ? "blue" : "red"));
        var other = await PutChainAsync(prefix + "-b", 2, metadata: _ => Map("team", "red"));
        var asking = await PutChainAsync(prefix + "-c", 1, metadata: _ => Map("team", "blue"));
        await Saver.PutWritesAsync(prefix + "-c", "", asking[0].Id, [new PendingWrite("task", "review", 0, SpecialChannels.Interrupt, [0xc0])]);
        await PutChainAsync(prefix + "-sub", 2, checkpointNamespace: "child"); // a subgraph's namespace only: not a root thread summary

        var all = (await ToListAsync(Saver.ListThreadSummariesAsync())).Where(s => s.ThreadId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var blue = (await ToListAsync(Saver.ListThreadSummariesAsync(new ThreadQuery { Metadata = Map("team", "blue") })))
            .Where(s => s.ThreadId.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.ThreadId);
        var waiting = (await ToListAsync(Saver.ListThreadSummariesAsync(new ThreadQuery { Interrupted = true, After = prefix })))
            .Where(s => s.ThreadId.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.ThreadId);
        var later = await ToListAsync(Saver.ListThreadSummariesAsync(new ThreadQuery { UpdatedSince = DateTimeOffset.UtcNow.AddDays(1) }));

        Assert.Equal([prefix + "-a", prefix + "-b", prefix + "-c"], all.Select(s => s.ThreadId));
        var a = all[0];
        Assert.Equal((team[^1].Id, 1, team[^1].CreatedAt, false), (a.LatestCheckpointId, a.Step, a.UpdatedAt, a.Interrupted));
        Assert.Equal("blue", a.Metadata["team"]);
        Assert.Equal(other[^1].Id, all[1].LatestCheckpointId);
        Assert.Equal([prefix + "-a", prefix + "-c"], blue);
        Assert.Equal([prefix + "-c"], waiting);
        Assert.Empty(later);
    }
}
