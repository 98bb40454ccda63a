using System.Diagnostics;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Runs the crash worker (Checkpoint.CrashWorker) on some arguments and kills it with SIGKILL once the database says it is time.</summary>
internal static class CrashWorkerProcess
{
    /// <summary>
    /// Starts the worker with <paramref name="args"/>, polls <paramref name="ready"/> (which reads the file from this process) until it
    /// holds, then kills the worker: no disposal, nothing flushed. Fails when the worker ends by itself or writes to stderr.
    /// </summary>
    public static async Task KillWhenAsync(string[] args, Func<CancellationToken, Task<bool>> ready, CancellationToken cancellationToken)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet", [worker, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            while (!await ready(cancellationToken))
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the worker ended early: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
                }

                await Task.Delay(10, cancellationToken);
            }

            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
            Assert.Equal("", await process.StandardError.ReadToEndAsync(cancellationToken));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
