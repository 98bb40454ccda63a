using Checkpoint.Cli;
using Spectre.Console;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await CkptApp.RunAsync(args, AnsiConsole.Console, cancellation.Token).ConfigureAwait(false);
