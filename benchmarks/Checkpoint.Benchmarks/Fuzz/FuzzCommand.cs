using System.Globalization;
using Checkpoint.Conformance.Fuzzing;

namespace Checkpoint.Benchmarks.Fuzz;

/// <summary>
/// <c>fuzz [--inputs 1000000] [--seed 1]</c>: the long run of the decoder fuzzer (<see cref="DecoderFuzzer"/>).
/// Prints progress every 100,000 inputs, then the report; exits with 1 when an input broke a rule.
/// </summary>
public static class FuzzCommand
{
    public const string Usage = "fuzz [--inputs 1000000] [--seed 1]";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var inputs = long.Parse(Option(args, "--inputs") ?? "1000000", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        var corpus = await FuzzCorpus.BuildAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{corpus.Seeds.Count} seeds from real data: {string.Join(", ", corpus.Seeds.GroupBy(s => s.Decoder).Select(g => $"{g.Key} {g.Count()}"))}")).ConfigureAwait(false);
        void Progress(FuzzReport progress) => output.WriteLine(string.Format(
            CultureInfo.InvariantCulture, "  {0:N0} inputs, {1:F0} s, {2} failures", progress.Inputs, progress.Elapsed.TotalSeconds, progress.FailureCount));
        var report = new DecoderFuzzer(corpus, seed).Run(inputs, Progress);
        report.WriteTo(output);
        return report.FailureCount == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
