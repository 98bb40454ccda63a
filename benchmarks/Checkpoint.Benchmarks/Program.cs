using Checkpoint.Benchmarks.Fuzz;
using Checkpoint.Benchmarks.Micro;
using Checkpoint.Benchmarks.Recall;
using Checkpoint.Benchmarks.Retention;
using Checkpoint.Benchmarks.Workloads;

namespace Checkpoint.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.FirstOrDefault())
        {
            case "workloads":
                return await WorkloadsCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
            case "retention":
                return await RetentionCommand.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
            case Workloads.M3.M3Writer.Command:
                return await Workloads.M3.M3Writer.RunAsync(args[1..], Console.In, Console.Out).ConfigureAwait(false);
            case "fuzz":
                return await FuzzCommand.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
            case "micro":
                return MicroCommand.Run(args[1..]);
            case "recall":
                return await RecallCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync(
                    "usage: Checkpoint.Benchmarks workloads [options] | micro [BenchmarkDotNet args] | " + RecallCommand.Usage + " | " + RetentionCommand.Usage + " | " + FuzzCommand.Usage + "\n\n" + WorkloadsCommand.Usage).ConfigureAwait(false);
                return 1;
        }
    }
}
