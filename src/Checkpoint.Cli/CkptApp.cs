using System.CommandLine;
using Checkpoint.Cli.Commands;
using Spectre.Console;

namespace Checkpoint.Cli;

using Command = System.CommandLine.Command;

/// <summary>
/// The <c>ckpt</c> command tree. Commands sit in groups by what they touch, so later ones slot in beside them
/// (<c>erase SUBJECT</c> with the thread commands, a <c>memory</c> group with <c>memory search</c>).
/// </summary>
internal static class CkptApp
{
    /// <summary>Runs <c>ckpt</c> with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }

            console.MarkupLine("Run [bold]ckpt --help[/] for the commands and options.");
            return ExitCodes.Usage;
        }

        var writer = console.Profile.Out.Writer;
        return await parse.InvokeAsync(
            new InvocationConfiguration { Output = writer, Error = writer, EnableDefaultExceptionHandler = false },
            cancellationToken).ConfigureAwait(false);
    }

    public static RootCommand Build(IAnsiConsole console)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("ckpt: look into Checkpoint databases (SQLite, PostgreSQL, Redis) without the application's code.");
        root.Options.Add(options.Database);
        root.Options.Add(options.KeyEnvironmentVariable);
        var context = new CommandContext(console, options);

        // Threads and their checkpoints.
        root.Subcommands.Add(ThreadsCommand.Create(context));
        root.Subcommands.Add(HistoryCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));

        // Moving and keeping data.
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(PruneCommand.Create(context));
        root.Subcommands.Add(ReencryptCommand.Create(context));

        // Health and size.
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(StatsCommand.Create(context));

        // Browsing.
        root.Subcommands.Add(ServeCommand.Create(context));
        return root;
    }
}
