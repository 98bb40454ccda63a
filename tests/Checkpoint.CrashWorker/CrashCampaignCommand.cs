using System.Diagnostics;
using System.Globalization;

namespace Checkpoint.CrashWorker;

/// <summary>
/// <c>campaign [--runs 50] [--kills 4] [--seed 1]</c>: the crash figure. Runs <see cref="CrashCampaign"/>
/// for seeds seed, seed+1, …, one line per run, then prints kills, resumed runs equal to the
/// uninterrupted run, committed tasks run twice and tasks lost; exits with 1 unless every run passed.
/// </summary>
public static class CrashCampaignCommand
{
    /// <summary>How to call it.</summary>
    public const string Usage = "campaign [--runs 50] [--kills 4] [--seed 1]";

    /// <summary>Runs the campaign, writing to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var runs = Option(args, "--runs", 50);
        var kills = Option(args, "--kills", 4);
        var firstSeed = Option(args, "--seed", 1);
        var root = Path.Combine(Path.GetTempPath(), "checkpoint-crash-campaign", Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        try
        {
            var reference = await CrashReference.RunAsync(Path.Combine(root, "reference")).ConfigureAwait(false);
            var results = new List<CrashRun>();
            for (var i = 0; i < runs; i++)
            {
                var directory = Path.Combine(root, $"run-{i}");
                var run = await CrashCampaign.RunAsync(firstSeed + i, kills, directory, reference).ConfigureAwait(false);
                results.Add(run);
                Directory.Delete(directory, recursive: true);
                var violations = run.Violations.Count == 0 ? "" : "; VIOLATIONS: " + string.Join(" | ", run.Violations);
                await output.WriteLineAsync(Line(
                    $"run {i + 1}/{runs} seed {run.Seed}: {run.Kills} kills, equal to uninterrupted {run.EqualsUninterrupted}, committed tasks run twice {run.CommittedTasksRunTwice}, tasks lost {run.TasksLost}, interrupted tasks re-run {run.InterruptedTasksRerun}, {run.SideEffects} side effects{violations}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(Line($"crash campaign (SQLite, SIGKILL): {runs} runs x {kills} kills, seeds {firstSeed}..{firstSeed + runs - 1}, {clock.Elapsed.TotalSeconds:F0} s")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"kills: {results.Sum(r => r.Kills)}")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"resumed runs equal to the uninterrupted run: {results.Count(r => r.EqualsUninterrupted)} of {runs}")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"committed tasks run twice: {results.Sum(r => r.CommittedTasksRunTwice)}")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"tasks lost: {results.Sum(r => r.TasksLost)}")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"interrupted tasks re-run (not committed when killed, allowed): {results.Sum(r => r.InterruptedTasksRerun)}")).ConfigureAwait(false);
            await output.WriteLineAsync(Line($"other violations: {results.Sum(r => r.Violations.Count)}")).ConfigureAwait(false);
            return results.All(r => r.Passed) ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
