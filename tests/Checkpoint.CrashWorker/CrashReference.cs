using Checkpoint.Sqlite;

namespace Checkpoint.CrashWorker;

/// <summary>What an uninterrupted run of <see cref="CrashGraph"/> ends with: its final state, its history described step by step, and its side effects.</summary>
/// <param name="Final">The final state.</param>
/// <param name="History">Each checkpoint of the history, newest first, as <see cref="CrashCampaign.Describe"/> writes it.</param>
/// <param name="Tasks">How many tasks the history holds.</param>
/// <param name="SideEffects">The task ids of the side-effect log, in order.</param>
public sealed record CrashReference(CrashState Final, IReadOnlyList<string> History, int Tasks, IReadOnlyList<string> SideEffects)
{
    /// <summary>Runs the graph uninterrupted on a new file in <paramref name="directory"/>.</summary>
    public static async Task<CrashReference> RunAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var log = Path.Combine(directory, "reference.log");
        await using var saver = new SqliteCheckpointSaver($"Data Source={Path.Combine(directory, "reference.db")}");
        var graph = CrashGraph.Build(log).Compile(saver);
        var final = await graph.InvokeAsync(CrashGraph.Input(), CrashGraph.Config).ConfigureAwait(false);
        var history = await CrashCampaign.HistoryAsync(graph).ConfigureAwait(false);
        return new CrashReference(final, [.. history.Select(CrashCampaign.Describe)], history.Sum(h => h.Tasks.Count), CrashGraph.ReadLog(log));
    }
}
