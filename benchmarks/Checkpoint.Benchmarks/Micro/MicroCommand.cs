using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// <c>micro [BenchmarkDotNet args]</c>: the BenchmarkDotNet micro-benchmarks. Default job: a short
/// run (3 warm-up + 5 measured iterations) in process (no generated project to build), with the
/// memory diagnoser; without a <c>--filter</c>, every benchmark runs.
/// </summary>
public static class MicroCommand
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!args.Any(a => a is "--filter" or "-f" or "--list" or "--help" or "-h"))
        {
            args = [.. args, "--filter", "*"];
        }

        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun
                .WithWarmupCount(3)
                .WithIterationCount(5)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ShortInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
