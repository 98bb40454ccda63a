using Spectre.Console.Testing;

namespace Checkpoint.Cli.Tests;

/// <summary>Runs <c>ckpt</c> in process with a captured console.</summary>
internal static class Ckpt
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var console = new TestConsole().Width(250);
        var code = await CkptApp.RunAsync(args, console);
        return (code, console.Output);
    }
}
